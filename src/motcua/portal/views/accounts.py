"""Registration, e-mail verification, sign-in (rate limited), sign-out, profile, my dossiers,
national identity sign-in (OpenID Connect, PTL-AUTH-01)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import ValidationFailed
from motcua.portal import accounts
from motcua.portal.models import Profile, Submission
from motcua.portal.views.common import REGISTER_RATE, SIGN_IN_RATE, citizen_required, field_errors, limited

log = logging.getLogger("motcua.portal")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("portal:my_dossiers")


def register(request: HttpRequest) -> HttpResponse:
    values, errors = {}, {}
    if request.method == "POST":
        refused = limited(request, "portal-register", REGISTER_RATE)
        if refused:
            return refused
        values = {name: request.POST.get(name, "") for name in ("email", "full_name")}
        try:
            user = accounts.register(
                email=values["email"], full_name=values["full_name"], password=request.POST.get("password", "")
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            link = request.build_absolute_uri(reverse("portal:verify", args=[accounts.verification_token(user)]))
            accounts.send_verification(user, link)
            return render(request, "portal/register_sent.html", {"email": user.email})
    return render(request, "portal/register.html", {"values": values, "errors": errors})


def verify(request: HttpRequest, token: str) -> HttpResponse:
    user = accounts.verify(token)
    if user is None:
        return render(request, "portal/verify_failed.html", status=400)
    messages.success(request, _("Tài khoản đã được kích hoạt. Mời bạn đăng nhập."))
    return redirect("portal:sign_in")


def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        refused = limited(request, "portal-sign-in", SIGN_IN_RATE)
        if refused:
            return refused
        email = request.POST.get("email", "").strip().lower()
        user = authenticate(request, username=email, password=request.POST.get("password", ""))
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next(request))
        error = _("Thư điện tử hoặc mật khẩu không đúng, hoặc tài khoản chưa được xác thực.")
    context = {
        "error": error,
        "next": _next(request) if request.GET.get("next") else "",
        "oidc": accounts.oidc_enabled(),
    }
    return render(request, "portal/sign_in.html", context, status=400 if error else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@citizen_required
def profile(request: HttpRequest) -> HttpResponse:
    current = Profile.objects.filter(user=request.user).first()
    errors: dict[str, str] = {}
    values = {
        "full_name": current.full_name if current else "",
        "id_number": current.id_number if current else "",
        "phone": current.phone if current else "",
        "address": current.address if current else "",
    }
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        try:
            accounts.update_profile(request.user, **values)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, _("Đã lưu thông tin cá nhân."))
            return redirect("portal:profile")
    return render(request, "portal/profile.html", {"values": values, "errors": errors})


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    submissions = (
        Submission.objects.filter(user=request.user)
        .select_related("dossier", "dossier__procedure_version")
        .order_by("-created_at")[:100]
    )
    drafts = request.user.portal_drafts.filter(submitted_code="")[:20]
    return render(request, "portal/my_dossiers.html", {"submissions": submissions, "drafts": drafts})


def oidc_start(request: HttpRequest) -> HttpResponse:
    if not accounts.oidc_enabled():
        return render(
            request,
            "portal/error.html",
            {"error": {"message": _("Chưa cấu hình đăng nhập bằng tài khoản định danh.")}},
            status=404,
        )
    request.session["portal_next"] = _next(request)
    client = accounts.oidc_client()
    return client.authorize_redirect(request, request.build_absolute_uri(reverse("portal:oidc_callback")))


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not accounts.oidc_enabled():
        return redirect("portal:sign_in")
    client = accounts.oidc_client()
    try:
        token = client.authorize_access_token(request)
        # authlib checked the ID token (signature from the JWKS, issuer, audience, expiry, nonce).
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("no ID token")
        user = accounts.user_for_identity(dict(claims))
    except Exception as exc:  # any protocol failure: bad state, bad signature, provider down
        log.warning("portal.oidc_failed", extra={"reason": type(exc).__name__})
        return render(
            request,
            "portal/sign_in.html",
            {"error": _("Không đăng nhập được bằng tài khoản định danh; vui lòng thử lại."), "oidc": True},
            status=400,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(request.session.pop("portal_next", "") or reverse("portal:my_dossiers"))

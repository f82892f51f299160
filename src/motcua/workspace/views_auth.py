"""Sign-in, sign-out and sign-out everywhere for officials (/can-bo/dang-nhap/ ...)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.workspace import auth
from motcua.workspace.common import official_required


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/can-bo/"


def sign_in(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username:
            errors["username"] = _("Hãy nhập tên đăng nhập.")
        if not password:
            errors["password"] = _("Hãy nhập mật khẩu.")
        if not errors:
            result = auth.sign_in(request, username, password)
            if result.ok:
                return redirect(_next(request))
            if result.needs_code:
                return redirect(f"{reverse('workspace:sign_in_code')}?{urlencode({'next': _next(request)})}")
            if result.locked_until is not None:
                errors["form"] = _locked_message(result.locked_until)
            else:
                errors["form"] = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    status = 200 if not errors else 422
    context = {"errors": errors, "username": username, "next": _next(request)}
    return render(request, "workspace/sign_in.html", context, status=status)


def _locked_message(until: Any) -> str:
    when = formats.date_format(timezone.localtime(until), "H:i d/m/Y")
    return _("Tài khoản tạm khóa do đăng nhập sai nhiều lần; hãy thử lại sau %(until)s.") % {"until": when}


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in: the six-digit code from the official's authenticator app."""
    if auth.pending_username(request) is None:
        return redirect("workspace:sign_in")
    errors: dict[str, str] = {}
    if request.method == "POST":
        result = auth.second_step(request, request.POST.get("code", ""))
        if result.ok:
            return redirect(_next(request))
        if result.expired:
            messages.warning(request, _("Đã quá thời gian nhập mã; hãy đăng nhập lại."))
            return redirect("workspace:sign_in")
        if result.locked_until is not None:
            messages.error(request, _locked_message(result.locked_until))
            return redirect("workspace:sign_in")
        errors["code"] = _("Mã xác thực không đúng hoặc đã dùng; hãy nhập mã mới trên ứng dụng.")
    context = {"errors": errors, "next": _next(request)}
    return render(request, "workspace/sign_in_code.html", context, status=422 if errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth.sign_out(request)
    messages.success(request, _("Đã đăng xuất."))
    return redirect("workspace:sign_in")


@require_POST
@official_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    auth.sign_out_everywhere(request)
    messages.success(request, _("Đã đăng xuất khỏi mọi thiết bị."))
    return redirect("workspace:sign_in")

"""The official's own account (/can-bo/tai-khoan/): second factor (TOTP) and password change."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.workspace import security
from motcua.workspace.common import signed_in_required

SESSION_NEW_SECRET = "workspace_new_totp_secret"  # noqa: S105 - a session key name, not a secret


@signed_in_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Turn TOTP on (scan, then confirm with a first code) or off (when the province allows)."""
    user = request.user
    errors: dict[str, str] = {}
    enrolled = security.confirmed_factor(user) is not None
    if request.method == "POST":
        code = request.POST.get("code", "")
        if request.POST.get("do") == "remove" and enrolled:
            if security.totp_required(user):
                errors["code"] = _("Tài khoản của bạn bắt buộc dùng xác thực hai lớp.")
            elif security.verify(user, code):
                security.remove_factor(user)
                messages.success(request, _("Đã tắt xác thực hai lớp."))
                return redirect("workspace:security")
            else:
                errors["code"] = _("Mã xác thực không đúng hoặc đã dùng.")
        elif request.POST.get("do") == "enrol":
            secret = request.session.get(SESSION_NEW_SECRET, "")
            if secret and security.enrol(user, secret, code):
                request.session.pop(SESSION_NEW_SECRET, None)
                messages.success(request, _("Đã bật xác thực hai lớp."))
                return redirect("workspace:worklist")
            errors["code"] = _("Mã xác thực không đúng; hãy nhập mã đang hiện trên ứng dụng.")
    context = {"enrolled": enrolled, "errors": errors, "required": security.totp_required(user)}
    if not enrolled:
        secret = request.session.get(SESSION_NEW_SECRET) or security.new_secret()
        request.session[SESSION_NEW_SECRET] = secret
        uri = security.provisioning_uri(user, secret)
        context.update(secret=secret, qr=segno.make(uri, error="m").svg_inline(scale=4, title=_("Mã QR để quét")))
    return render(request, "workspace/second_factor.html", context, status=422 if errors else 200)


@signed_in_required
def password(request: HttpRequest) -> HttpResponse:
    """Change the password: the province's validators, and none of the last few passwords again."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["new_password1"]
        if security.reused(request.user, raw):
            form.add_error("new_password1", _("Không được dùng lại mật khẩu hiện tại hoặc các mật khẩu gần đây."))
        else:
            previous = request.user.password
            form.save()
            security.record_change(request.user, previous)
            update_session_auth_hash(request, form.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("workspace:worklist")
    status = 422 if request.method == "POST" else 200
    return render(request, "workspace/password.html", {"form": form, "section": "account"}, status=status)

"""Citizen accounts: registration with e-mail verification, profile, national-identity sign-in.

Registration creates an inactive account; the signed link in the e-mail (no personal data in it,
only the account id under an HMAC with a lifetime) activates it (PTL-FN-01 registration).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError, ValidationFailed
from motcua.portal.models import Profile

log = logging.getLogger("motcua.portal")
VERIFY_SALT = "motcua.portal.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def register(*, email: str, password: str, full_name: str) -> Any:
    email = (email or "").strip().lower()
    errors = []
    try:
        validate_email(email)
    except ValidationError:
        errors.append(FieldError("email", "invalid", _("Địa chỉ thư điện tử không hợp lệ.")))
    if len((full_name or "").strip()) < 2:
        errors.append(FieldError("full_name", "required", _("Vui lòng nhập họ và tên.")))
    User = get_user_model()
    if email and User.objects.filter(username=email).exists():
        errors.append(FieldError("email", "taken", _("Địa chỉ thư điện tử này đã được đăng ký.")))
    try:
        validate_password(password or "")
    except ValidationError as exc:
        errors.append(FieldError("password", "weak", " ".join(str(m) for m in exc.messages)))
    if errors:
        raise ValidationFailed(_("Thông tin đăng ký chưa hợp lệ."), errors)
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password, is_active=False)
        Profile.objects.create(user=user, full_name=full_name.strip())
    return user


def verification_token(user: Any) -> str:
    return signing.dumps({"u": user.pk}, salt=VERIFY_SALT, compress=True)


def send_verification(user: Any, link: str) -> None:
    send_mail(
        _("Xác thực tài khoản Cổng dịch vụ công"),
        _("Vui lòng mở liên kết sau để kích hoạt tài khoản (hiệu lực 3 ngày):\n%(link)s\n") % {"link": link},
        None,
        [user.email],
    )
    log.info("portal.verification_sent", extra={"user": user.pk})


def verify(token: str) -> Any:
    """Activate the account named by a valid, unexpired token; None when the link is bad or old."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None:
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    Profile.objects.update_or_create(user=user, defaults={"email_verified": True})
    return user


def update_profile(user: Any, *, full_name: str, id_number: str, phone: str, address: str) -> Profile:
    errors = []
    id_number, phone = (id_number or "").strip(), (phone or "").replace(" ", "").strip()
    if id_number and not (id_number.isdigit() and len(id_number) == 12):
        errors.append(FieldError("id_number", "invalid", _("Số định danh cá nhân gồm 12 chữ số.")))
    if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone) <= 15):
        errors.append(FieldError("phone", "invalid", _("Số điện thoại không hợp lệ.")))
    if errors:
        raise ValidationFailed(_("Thông tin cá nhân chưa hợp lệ."), errors)
    profile, _created = Profile.objects.update_or_create(
        user=user,
        defaults={
            "full_name": (full_name or "").strip()[:300],
            "id_number": id_number,
            "phone": phone,
            "address": (address or "").strip()[:500],
        },
    )
    return profile


def oidc_settings() -> dict[str, str]:
    """Issuer, client id and secret of the national identity provider (PTL-AUTH-01), from settings/env."""
    conf = dict(getattr(settings, "MOTCUA_OIDC", None) or {})
    return {key: str(conf.get(key) or "") for key in ("issuer", "client_id", "client_secret")}


def oidc_enabled() -> bool:
    conf = oidc_settings()
    return bool(conf["issuer"] and conf["client_id"] and conf["client_secret"])


def oidc_client() -> Any:
    from authlib.integrations.django_client import OAuth

    conf = oidc_settings()
    oauth = OAuth()
    return oauth.register(
        name="vneid",
        client_id=conf["client_id"],
        client_secret=conf["client_secret"],
        server_metadata_url=conf["issuer"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email"},
    )


def user_for_identity(claims: dict[str, Any]) -> Any:
    """The account bound to the identity provider's subject, created on first sign-in."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise ValidationFailed(_("Nhà cung cấp định danh không trả về mã định danh."))
    profile = Profile.objects.select_related("user").filter(oidc_subject=subject).first()
    if profile is not None:
        return profile.user
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=f"vneid:{subject}"[:150], email=str(claims.get("email") or ""))
        user.set_unusable_password()
        user.save()
        Profile.objects.create(
            user=user,
            oidc_subject=subject,
            full_name=str(claims.get("name") or "")[:300],
            id_number=str(claims.get("citizen_id") or "")[:20],
            email_verified=bool(claims.get("email_verified")),
        )
    return user

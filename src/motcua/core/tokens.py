"""Scoped API tokens for machine clients: `mc_<prefix>_<secret>`; only a hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import audit
from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.models import ApiToken

# Scopes a token may carry. "*:read" style wildcards are deliberately not supported: a client asks
# for what it needs.
KNOWN_SCOPES = {
    "catalog:read": _("Đọc danh mục thủ tục"),
    "catalog:write": _("Sửa danh mục thủ tục"),
    "organizations:read": _("Đọc danh mục cơ quan"),
    "calendar:read": _("Tính thời hạn"),
    "dossiers:read": _("Đọc hồ sơ"),
    "dossiers:write": _("Tiếp nhận và xử lý hồ sơ"),
    "reports:read": _("Đọc báo cáo"),
}
TOKEN_PREFIX = "mc"  # noqa: S105  (a public marker, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(username: str, scopes: list[str], name: str = "", expires_at: datetime | None = None) -> IssuedToken:
    unknown = sorted(set(scopes) - set(KNOWN_SCOPES))
    if unknown:
        raise ValidationFailed(
            _("Phạm vi không hợp lệ: %(scopes)s") % {"scopes": ", ".join(unknown)}, code="unknown_scope"
        )
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound("unknown_user", _("Không có người dùng “%(name)s”.") % {"name": username})
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        audit.record(
            "create",
            "core.apitoken",
            token.pk,
            object_repr=str(token),
            after={"user": username, "scopes": token.scopes, "prefix": prefix},
        )
    return IssuedToken(token, f"{TOKEN_PREFIX}_{prefix}_{secret}")


def authenticate(plaintext: str) -> tuple[AbstractBaseUser, ApiToken] | None:
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1], revoked_at=None).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])):
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token

"""Second factor (TOTP) and the password policy of officials' accounts.

- TOTP through pyotp: optional for everyone, required for leaders and administrators when
  `MOTCUA["WORKSPACE"]["TOTP_FOR_LEADERS"]` is on. A code is accepted once (replay) within one
  step either side of now (clock drift).
- Password policy: length and strength by Django's AUTH_PASSWORD_VALIDATORS; no reuse of the last
  `PASSWORD_HISTORY` passwords; expiry after `PASSWORD_MAX_AGE_DAYS` (0: never) with a notice
  `PASSWORD_NOTICE_DAYS` before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from motcua.core import audit
from motcua.dossiers.states import Role
from motcua.organizations.agencies import roles_of
from motcua.workspace.models import PasswordHistory, SecondFactor

ISSUER = "motcua"
STRONG_ROLES = {Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER, Role.PROVINCIAL_ADMIN}
DEFAULTS: dict[str, Any] = {
    "TOTP_FOR_LEADERS": False,
    "PASSWORD_HISTORY": 5,
    "PASSWORD_MAX_AGE_DAYS": 0,
    "PASSWORD_NOTICE_DAYS": 14,
}


def option(name: str) -> Any:
    return settings.MOTCUA.get("WORKSPACE", {}).get(name, DEFAULTS[name])


# --- TOTP -----------------------------------------------------------------------------------------
def confirmed_factor(user: Any) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def totp_required(user: Any) -> bool:
    return bool(option("TOTP_FOR_LEADERS")) and any(role in STRONG_ROLES for role, _a, _d in roles_of(user))


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: Any, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if totp.at(candidate * totp.interval) == code:
            return candidate
    return None


def verify(user: Any, code: str, now: datetime | None = None) -> bool:
    """Check a code against the confirmed factor; each step is accepted only once."""
    factor = confirmed_factor(user)
    if factor is None:
        return False
    step = _matching_step(factor.secret, code, now or timezone.now())
    if step is None or step <= factor.last_step:
        return False
    updated = SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step)
    return bool(updated)


def enrol(user: Any, secret: str, code: str, now: datetime | None = None) -> bool:
    """Confirm a new secret with a first code from the official's app."""
    now = now or timezone.now()
    step = _matching_step(secret, code, now)
    if step is None:
        return False
    SecondFactor.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": now, "last_step": step}
    )
    audit.record("totp_enrolled", "workspace.signin", user.pk)
    return True


def remove_factor(user: Any) -> None:
    SecondFactor.objects.filter(user=user).delete()
    audit.record("totp_removed", "workspace.signin", user.pk)


# --- passwords ------------------------------------------------------------------------------------
def reused(user: Any, raw: str) -> bool:
    """The new password equals the current one or one of the last PASSWORD_HISTORY ones."""
    if user.check_password(raw):
        return True
    recent = PasswordHistory.objects.filter(user=user).order_by("-changed_at")[: int(option("PASSWORD_HISTORY"))]
    return any(check_password(raw, row.password) for row in recent)


def record_change(user: Any, previous_hash: str, now: datetime | None = None) -> None:
    PasswordHistory.objects.create(user=user, password=previous_hash, changed_at=now or timezone.now())
    audit.record("password_changed", "workspace.signin", user.pk)


def password_changed_at(user: Any) -> datetime:
    last = PasswordHistory.objects.filter(user=user).order_by("-changed_at").values_list("changed_at", flat=True)
    return last.first() or user.date_joined


def password_days_left(user: Any, now: datetime | None = None) -> int | None:
    """Whole days before the password expires (negative: expired); None when passwords never expire."""
    max_age = int(option("PASSWORD_MAX_AGE_DAYS"))
    if max_age <= 0:
        return None
    expires = password_changed_at(user) + timedelta(days=max_age)
    return (expires - (now or timezone.now())).days

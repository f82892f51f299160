"""Officials' sign-in: lockout after repeated failures, session expiry, sign out everywhere.

Failures are counted per username in the database (shared by every web worker) and each failure,
lockout and sign-in is written to the audit chain. Limits come from `settings.MOTCUA["WORKSPACE"]`
so a province can tighten them without code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from motcua.core import audit
from motcua.organizations.agencies import roles_of
from motcua.workspace import security
from motcua.workspace.models import SessionEpoch, SignInThrottle

DEFAULTS = {
    "MAX_FAILURES": 5,  # consecutive wrong passwords before the name is locked
    "LOCK_MINUTES": 15,
    "IDLE_MINUTES": 30,  # a session unused this long ends
    "MAX_SESSION_HOURS": 10,  # and none lives longer than a working day
}
SESSION_EPOCH = "workspace_epoch"
SESSION_STARTED = "workspace_started"
SESSION_PENDING = "workspace_pending_2fa"
SESSION_SEEN = "workspace_seen"
TOUCH_SECONDS = 60
PENDING_SECONDS = 300  # the code must follow the password within five minutes


def option(name: str) -> int:
    configured = settings.MOTCUA.get("WORKSPACE", {}) if hasattr(settings, "MOTCUA") else {}
    return int(configured.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class SignIn:
    user: Any = None
    locked_until: datetime | None = None
    needs_code: bool = False  # password right; the second factor is asked next
    expired: bool = False  # the pending second-factor step timed out

    @property
    def ok(self) -> bool:
        return self.user is not None


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(username: str, now: datetime) -> datetime | None:
    row = SignInThrottle.objects.filter(username=_key(username)).only("locked_until").first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def _failed(username: str, now: datetime) -> datetime | None:
    """Count one failure; lock the name when the limit is reached. Returns the lock end, if any."""
    key = _key(username)
    with transaction.atomic():
        row, _created = SignInThrottle.objects.select_for_update().get_or_create(username=key)
        row.failures = F("failures") + 1
        row.last_failure_at = now
        row.save(update_fields=["failures", "last_failure_at"])
        row.refresh_from_db(fields=["failures"])
        audit.record("sign_in_failed", "workspace.signin", key, object_repr=key, after={"failures": row.failures})
        if row.failures >= option("MAX_FAILURES"):
            row.locked_until = now + timedelta(minutes=option("LOCK_MINUTES"))
            row.failures = 0
            row.save(update_fields=["locked_until", "failures"])
            audit.record(
                "sign_in_locked",
                "workspace.signin",
                key,
                object_repr=key,
                after={"locked_until": row.locked_until.isoformat()},
                reason="too many failed sign-ins",
            )
            return row.locked_until
    return None


def epoch_of(user: Any) -> int:
    row = SessionEpoch.objects.filter(user=user).only("epoch").first()
    return row.epoch if row is not None else 0


def _complete(request: HttpRequest, user: Any, username: str, now: datetime) -> SignIn:
    SignInThrottle.objects.filter(username=_key(username)).update(failures=0, locked_until=None)
    request.session.pop(SESSION_PENDING, None)
    login(request, user)
    request.session[SESSION_EPOCH] = epoch_of(user)
    request.session[SESSION_STARTED] = now.timestamp()
    request.session.set_expiry(option("IDLE_MINUTES") * 60)
    audit.record("sign_in", "workspace.signin", user.pk, object_repr=_key(username))
    return SignIn(user=user)


def sign_in(request: HttpRequest, username: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check the password unless the name is locked; start the session on success, or ask for the
    second factor when the official has one."""
    now = now or timezone.now()
    lock = locked_until(username, now)
    if lock is not None:
        return SignIn(locked_until=lock)
    user = authenticate(request, username=username.strip(), password=password)
    if user is None or not roles_of(user):
        return SignIn(locked_until=_failed(username, now))
    if security.confirmed_factor(user) is not None:
        request.session[SESSION_PENDING] = {"user": user.pk, "username": username.strip(), "at": now.timestamp()}
        return SignIn(needs_code=True)
    return _complete(request, user, username, now)


def pending_username(request: HttpRequest) -> str | None:
    pending = request.session.get(SESSION_PENDING)
    return str(pending["username"]) if pending else None


def second_step(request: HttpRequest, code: str, *, now: datetime | None = None) -> SignIn:
    """The TOTP code after a right password; wrong codes count as failed sign-ins."""
    now = now or timezone.now()
    pending = request.session.get(SESSION_PENDING)
    if not pending or now.timestamp() - float(pending["at"]) > PENDING_SECONDS:
        request.session.pop(SESSION_PENDING, None)
        return SignIn(expired=True)
    username = str(pending["username"])
    lock = locked_until(username, now)
    if lock is not None:
        request.session.pop(SESSION_PENDING, None)
        return SignIn(locked_until=lock)
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or not security.verify(user, code, now):
        return SignIn(needs_code=True, locked_until=_failed(username, now))
    return _complete(request, user, username, now)


def session_valid(request: HttpRequest, now: datetime | None = None) -> bool:
    """False when the session outlived the working-day limit or was ended from elsewhere."""
    now = now or timezone.now()
    started = request.session.get(SESSION_STARTED)
    if started is None or now.timestamp() - float(started) > option("MAX_SESSION_HOURS") * 3600:
        return False
    return request.session.get(SESSION_EPOCH) == epoch_of(request.user)


def touch(request: HttpRequest, now: datetime | None = None) -> None:
    """Keep an active session alive: re-save it (new idle expiry) at most once a minute."""
    now = now or timezone.now()
    seen = float(request.session.get(SESSION_SEEN, 0))
    if now.timestamp() - seen >= TOUCH_SECONDS:
        request.session[SESSION_SEEN] = now.timestamp()  # modified: saved with a fresh expiry


def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit.record("sign_out", "workspace.signin", request.user.pk)
    logout(request)


def sign_out_everywhere(request: HttpRequest) -> None:
    """End every session of this official (other browsers included) by moving the epoch on."""
    user = request.user
    with transaction.atomic():
        row, _created = SessionEpoch.objects.select_for_update().get_or_create(user=user)
        row.epoch += 1
        row.save(update_fields=["epoch"])
        audit.record("sign_out_everywhere", "workspace.signin", user.pk, after={"epoch": row.epoch})
    logout(request)

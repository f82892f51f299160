"""Shared pieces of the officials' screens: the sign-in gate, deadline badges, error rendering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.dossiers.queries import RUNNING_STATES
from motcua.dossiers.states import ACTION_LABELS, STATE_LABELS, Action, DossierState
from motcua.organizations.agencies import current_assignments
from motcua.workspace import auth, security

DUE_SOON_DAYS = 2
PAUSED_STATES = (DossierState.SUPPLEMENT_REQUESTED, DossierState.AWAITING_PAYMENT)


def _gate(request: HttpRequest, complete: bool) -> HttpResponse | None:
    """The redirect for a request that may not see an official's page yet, else None."""
    if not request.user.is_authenticated or not auth.session_valid(request):
        if request.user.is_authenticated:
            auth.sign_out(request)
            messages.warning(request, _("Phiên làm việc đã hết hạn; hãy đăng nhập lại."))
        target = f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            # A fragment request: send the whole page to the sign-in form, not into the fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    auth.touch(request)
    assignments = current_assignments(request.user)
    request.roles = [  # type: ignore[attr-defined]
        (row.role, row.agency.code, row.department.code if row.department_id else None) for row in assignments
    ]
    request.agency_ids = {row.agency_id for row in assignments}  # type: ignore[attr-defined]
    if not request.roles:  # type: ignore[attr-defined]
        auth.sign_out(request)
        return redirect(settings.LOGIN_URL)
    if not complete:
        return None
    held = {role for role, _agency, _dept in request.roles}  # type: ignore[attr-defined]
    strong = security.option("TOTP_FOR_LEADERS") and held & security.STRONG_ROLES
    if strong and security.confirmed_factor(request.user) is None:
        messages.warning(request, _("Tài khoản lãnh đạo, quản trị phải bật xác thực hai lớp trước khi làm việc."))
        return redirect("workspace:security")
    days = security.password_days_left(request.user)
    if days is not None and days < 0:
        messages.warning(request, _("Mật khẩu đã hết hạn; hãy đổi mật khẩu để tiếp tục."))
        return redirect("workspace:password")
    if days is not None and days <= int(security.option("PASSWORD_NOTICE_DAYS")):
        request.password_notice = days  # type: ignore[attr-defined]
    return None


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, session still valid (expiry, sign-out everywhere), holding a role today, with the
    second factor the province requires and a password that has not expired."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _gate(request, complete=True) or view(request, *args, **kwargs)

    return wrapped


def signed_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the account pages themselves (second factor, password): signed in is enough."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _gate(request, complete=False) or view(request, *args, **kwargs)

    return wrapped


def role_names(request: HttpRequest) -> set[str]:
    return {role for role, _agency, _dept in getattr(request, "roles", [])}


@dataclass(frozen=True)
class Deadline:
    css: str  # badge-ok / badge-warn / badge-late / "" (neutral)
    text: str


def deadline_state(dossier: Any, now: datetime | None = None) -> Deadline:
    """The deadline state shown on every list row and the dossier page: colour and words."""
    now = now or timezone.now()
    status = DossierState(dossier.status)
    if dossier.timeliness:
        labels = {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "late": _("Trễ hạn")}
        return Deadline("badge-late" if dossier.timeliness == "late" else "badge-ok", labels[dossier.timeliness])
    if status in PAUSED_STATES:
        return Deadline("", _("Tạm dừng tính hạn"))
    if dossier.due_at is None or status not in RUNNING_STATES:
        return Deadline("", _("Chưa tính hạn"))
    if dossier.due_at < now:
        return Deadline("badge-late", _("Quá hạn"))
    if dossier.due_at < now + timedelta(days=DUE_SOON_DAYS):
        return Deadline("badge-warn", _("Sắp đến hạn"))
    return Deadline("badge-ok", _("Trong hạn"))


def step_deadline(dossier: Any, now: datetime | None = None) -> Deadline | None:
    if not dossier.step_due_at:
        return None
    now = now or timezone.now()
    if dossier.step_due_at < now:
        return Deadline("badge-late", _("Bước này quá hạn"))
    return Deadline("badge-ok", _("Bước này trong hạn"))


def state_label(state: str) -> str:
    try:
        return STATE_LABELS[DossierState(state)][0]
    except ValueError:
        return state


def action_label(action: str) -> str:
    try:
        return ACTION_LABELS[Action(action)][0]
    except ValueError:
        return action


def field_errors(error: DomainError) -> dict[str, str]:
    """Field name -> message, for showing each problem beside its input."""
    found: dict[str, str] = {}
    for item in error.fields:
        found.setdefault(item.field, str(item.message))
    return found

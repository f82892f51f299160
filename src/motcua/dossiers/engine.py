"""Apply one transition to a locked dossier: one event, the projection, the audit link, one version.

The state machine (`states.py`) decides what may happen; this module records what did. It is the
only code that writes `DossierEvent` rows, the projection columns or the inter-agency parts
(DESIGN.md rule 3). What the pinned internal process and the parts add to a transition is decided
in `process_link.py`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.context import current_actor
from motcua.core.errors import Conflict, DomainError, FieldError, ValidationFailed
from motcua.dossiers import clock, process_link, projection
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import (
    RECORD_ACTIONS,
    Action,
    DossierFacts,
    DossierState,
    GuardRefused,
    IllegalTransition,
    InvalidInputs,
    MissingInputs,
    ProcessingSubstate,
    Role,
    Transition,
    TransitionError,
    find_transition,
    substate_after,
    supplement_phase,
)
from motcua.organizations.agencies import has_role

CLOCK_STOPPED_STATES = frozenset({DossierState.SUPPLEMENT_REQUESTED, DossierState.AWAITING_PAYMENT})


@dataclass(frozen=True)
class Actor:
    """Who acts: the user (None for the applicant or an automated actor), a display name, and the
    roles they hold for this dossier mapped to the agency code where each is held."""

    user: Any
    name: str
    roles: Mapping[str, str] = field(default_factory=dict)


def display_name(user: Any) -> str:
    """The official's full name, else the username; "system" for no user."""
    if user is None:
        return "system"
    official = getattr(user, "official", None)
    return str(official.full_name) if official is not None else str(user.get_username())


def _message(exc: TransitionError) -> str:
    return exc.message_en if (translation.get_language() or "vi").startswith("en") else exc.message_vi


def domain_error(exc: TransitionError) -> DomainError:
    """The pure machine's refusals as API errors (409 / 422), each field named."""
    message = _message(exc)
    if isinstance(exc, IllegalTransition):
        return Conflict("illegal_transition", message, allowed=[action.value for action in exc.allowed])
    if isinstance(exc, MissingInputs):
        fields = [FieldError(name, "required", _("Thiếu giá trị bắt buộc.")) for name in exc.missing]
        return ValidationFailed(message, fields, code="missing_inputs")
    if isinstance(exc, InvalidInputs):
        fields = [FieldError(name, "invalid", expected) for name, expected in exc.invalid.items()]
        return ValidationFailed(message, fields, code="invalid_inputs")
    if isinstance(exc, GuardRefused):
        return Conflict(exc.code, message)
    return DomainError(exc.code, message, status=exc.status)


def facts_of(dossier: Dossier, now: datetime, override_reason: str = "") -> DossierFacts:
    """What the guards see, read from the projection (itself a fold of the events)."""
    status = DossierState(dossier.status)
    return DossierFacts(
        now=now,
        due_at=dossier.due_at,
        apology_count=dossier.apology_count,
        supplement_count=dossier.supplement_count,
        override_reason=override_reason,
        clock_stopped=status in CLOCK_STOPPED_STATES or dossier.due_at is None,
        paused_from=DossierState(dossier.paused_from) if dossier.paused_from else None,
    )


def coerce_inputs(inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop absent values; read `new_due_at` from ISO 8601 text (an unreadable one stays text and is
    then refused by the machine as InvalidInputs)."""
    cleaned = {key: value for key, value in (inputs or {}).items() if value is not None}
    due = cleaned.get("new_due_at")
    if isinstance(due, str):
        with contextlib.suppress(ValueError):
            cleaned["new_due_at"] = datetime.fromisoformat(due.strip())
    return cleaned


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _assignee_id(dossier: Dossier, inputs: Mapping[str, Any]) -> int:
    """OS-PROC-01: the head assigns a handler of the agency handling the dossier (by username): the
    competent agency, or the agency whose inter-agency part is open."""
    username = str(inputs["assignee"]).strip()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not has_role(user, Role.HANDLER, process_link.holder(dossier)):
        message = _("“%(name)s” không phải chuyên viên xử lý của cơ quan có thẩm quyền.") % {"name": username}
        raise ValidationFailed(message, [FieldError("assignee", "invalid", message)], code="invalid_inputs")
    return int(user.pk)


def _action(action: str) -> Action:
    try:
        return Action(action)
    except ValueError:
        allowed = [a.value for a in Action]
        raise ValidationFailed(
            _("Hành động không hợp lệ."),
            [FieldError("action", "invalid", ", ".join(allowed))],
            code="invalid_inputs",
        ) from None


def _find(dossier: Dossier, action: Action, roles: set[str], inputs: dict[str, Any], now: datetime) -> Transition:
    facts = facts_of(dossier, now, str(inputs.get("override_reason", "")))
    try:
        return find_transition(DossierState(dossier.status), action, roles, facts, inputs)
    except TransitionError as exc:
        raise domain_error(exc) from exc


def _payload(
    dossier: Dossier,
    row: Transition,
    inputs: dict[str, Any],
    changes: dict[str, Any],
    now: datetime,
    link: process_link.Link,
) -> dict[str, Any]:
    payload: dict[str, Any] = {"inputs": _json_safe(inputs), "set": projection.encode(changes), **link.payload}
    if row.form is not None:
        payload["form"] = row.form.value
    if row.action is Action.REQUEST_SUPPLEMENT:
        # The supplement episode (OS-SUPP-04): phase and the due time it interrupts.
        payload["supplement"] = {"phase": supplement_phase(row.source), "due_before": _json_safe(dossier.due_at)}
    warnings = clock.warnings_for(dossier, row, now) + link.warnings
    if warnings:
        payload["warnings"] = warnings
    return payload


def _attachments(value: Any) -> list[dict[str, Any]]:
    """The event's attachment list: file records as given, bare names as {"name": ...}."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [dict(item) if isinstance(item, Mapping) else {"name": str(item)} for item in items]


def _resumable_substate(dossier: Dossier, last: DossierEvent | None) -> ProcessingSubstate | None:
    """The step an in_process dossier is at; while paused, the step it left (the pausing event's)."""
    value = dossier.substate
    if DossierState(dossier.status) in CLOCK_STOPPED_STATES and last is not None:
        value = last.from_substate
    return ProcessingSubstate(value) if value else None


def _last_transition(dossier: Dossier, last: DossierEvent | None) -> DossierEvent | None:
    """The latest event that was a transition (recorded signatures in between change nothing)."""
    if last is None or last.action not in RECORD_ACTIONS:
        return last
    found: DossierEvent | None = (
        dossier.events.exclude(action__in=[a.value for a in RECORD_ACTIONS])
        .order_by("-seq")
        .only("dossier_id", "seq", "from_substate", "action")
        .first()
    )
    return found


def apply_transition(
    dossier: Dossier, action: str, actor: Actor, inputs: Mapping[str, Any] | None, now: datetime
) -> DossierEvent:
    """Fire `action` on `dossier`, which the caller has locked in the current transaction."""
    values = coerce_inputs(inputs)
    verb = _action(action)
    move = process_link.prepare(dossier, verb, actor.roles.keys(), values)
    roles = process_link.machine_roles(dossier, verb, actor.roles.keys())
    row = _find(dossier, verb, roles, values, now)
    changes = clock.changes_for(dossier, row, values, now)
    link = process_link.effects(dossier, row, move, values, now)
    changes.update(link.changes)
    if row.action is Action.ASSIGN:
        changes["assignee_id"] = _assignee_id(dossier, values)
    last = dossier.events.order_by("-seq").only("dossier_id", "seq", "from_substate", "action").first()
    pausing = _last_transition(dossier, last)
    resumable = _resumable_substate(dossier, pausing)
    substate = link.substate if link.sets_substate else substate_after(row, resumable, values)
    role = move.role if move is not None else sorted(row.roles & roles)[0]
    event: DossierEvent = DossierEvent.objects.create(
        dossier=dossier,
        seq=(last.seq if last is not None else 0) + 1,
        occurred_at=now,
        actor=actor.user,
        actor_name=actor.name,
        role=role,
        agency_code=actor.roles[role],
        request_id=current_actor().request_id,
        action=row.action.value,
        from_state=row.source.value,
        to_state=row.target.value,
        from_substate=dossier.substate,
        to_substate=substate.value if substate else "",
        reason=str(values.get("reason") or values.get("override_reason") or values.get("comment") or ""),
        attachments=_attachments(values.get("attachments")),
        payload=_payload(dossier, row, values, changes, now, link),
    )
    _project(dossier, event)
    projection.write_parts(dossier, event.seq, event.payload)
    return event


def append_record(
    dossier: Dossier,
    action: str,
    actor: Actor,
    role: str,
    payload: Mapping[str, Any],
    now: datetime,
    *,
    agency_code: str = "",
    reason: str = "",
    attachments: Any = None,
) -> DossierEvent:
    """Record on `dossier` (locked by the caller) an event that changes no state: a digital signature
    (SIG-07) or an official's comment. Status, sub-state and deadlines stay; the version moves on like for any event."""
    if Action(action) not in RECORD_ACTIONS:
        raise ValueError(f"{action!r} is a transition, not a record")
    last = dossier.events.order_by("-seq").only("dossier_id", "seq").first()
    event: DossierEvent = DossierEvent.objects.create(
        dossier=dossier,
        seq=(last.seq if last is not None else 0) + 1,
        occurred_at=now,
        actor=actor.user,
        actor_name=actor.name,
        role=role,
        agency_code=agency_code or actor.roles.get(role, ""),
        request_id=current_actor().request_id,
        action=Action(action).value,
        from_state=dossier.status,
        to_state=dossier.status,
        from_substate=dossier.substate,
        to_substate=dossier.substate,
        reason=reason,
        attachments=_attachments(attachments),
        payload={**_json_safe(dict(payload)), "set": {}},
    )
    _project(dossier, event)
    return event


def _project(dossier: Dossier, event: DossierEvent) -> None:
    before = projection.current(dossier)
    after = projection.apply_event(
        before,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        to_substate=event.to_substate,
        occurred_at=event.occurred_at,
        payload=event.payload,
    )
    # Compare-and-set on the version: a concurrent writer that got past the lock loses here.
    updated = Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(
        **after, version=dossier.version + 1
    )
    if not updated:
        raise stale_version(dossier.version)
    for name, value in after.items():
        setattr(dossier, name, value)
    dossier.version += 1
    audit.record(
        event.action,
        "dossiers.dossier",
        dossier.pk,
        object_repr=dossier.code,
        before={"status": event.from_state, "substate": event.from_substate},
        after={
            "status": event.to_state,
            "substate": event.to_substate,
            "event": event.seq,
            "set": event.payload["set"],
        },
        reason=event.reason,
        agency_code=event.agency_code,
    )


def stale_version(current: int) -> Conflict:
    return Conflict(
        "stale_version",
        _("Hồ sơ vừa được người khác cập nhật; hãy tải lại rồi thực hiện lại."),
        current_version=current,
    )

"""The dossier's state columns as a fold over its events (DESIGN.md rule 3).

`apply_event` is the one reducer: the engine uses it to update the columns in the transaction that
writes each event, and `rebuild_projection` replays every event through it. Deadlines are not
recomputed on replay: each event stores, under `payload["set"]`, the values the transition set
with the calendar in force at that moment (CAL-05: past deadlines are kept), so a later calendar
change cannot rewrite history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from motcua.dossiers.vocabulary import RECORD_ACTIONS, Action, DossierState

# Columns of `Dossier` that are projections of the events.
PROJECTED: tuple[str, ...] = (
    "status",
    "substate",
    "assignee_id",
    "accepted_at",
    "due_at",
    "original_due_at",
    "rescheduled_due_at",
    "transfer_due_at",
    "transferred_at",
    "supplement_count",
    "apology_count",
    "paused_from",
    "paused_at",
    "finished_at",
    "returned_at",
    "result_kind",
    "timeliness",
    "process_template_id",
    "current_step",
    "step_started_at",
    "step_due_at",
)
# Fields a transition may set through `payload["set"]`; the others follow from the action.
SETTABLE: frozenset[str] = frozenset(
    {
        "assignee_id",
        "accepted_at",
        "due_at",
        "original_due_at",
        "rescheduled_due_at",
        "transfer_due_at",
        "transferred_at",
        "finished_at",
        "returned_at",
        "result_kind",
        "timeliness",
        "process_template_id",
        "current_step",
        "step_started_at",
        "step_due_at",
    }
)
# One inter-agency part (`DossierAgencyPart`) as a plain mapping; `opened_seq` identifies it.
PART_FIELDS: tuple[str, ...] = ("opened_seq", "agency_id", "started_at", "due_at", "finished_at", "verdict")
PAUSED_STATES = frozenset({DossierState.SUPPLEMENT_REQUESTED.value, DossierState.AWAITING_PAYMENT.value})


def initial() -> dict[str, Any]:
    """The projection of a dossier with no events (a draft)."""
    state: dict[str, Any] = dict.fromkeys(PROJECTED)
    state.update(status=DossierState.DRAFT.value, substate="", paused_from="", result_kind="", timeliness="")
    state.update(current_step="")
    state.update(supplement_count=0, apology_count=0)
    return state


def encode(changes: Mapping[str, Any]) -> dict[str, Any]:
    """JSON form of a `set` mapping: datetimes as ISO 8601 with their offset."""
    unknown = set(changes) - SETTABLE
    if unknown:
        raise ValueError(f"not settable by a transition: {sorted(unknown)}")
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in changes.items()}


def decode(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: datetime.fromisoformat(value) if key.endswith("_at") and isinstance(value, str) else value
        for key, value in changes.items()
    }


def apply_event(
    state: Mapping[str, Any],
    *,
    action: str,
    from_state: str,
    to_state: str,
    to_substate: str,
    occurred_at: datetime,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The projection after one event; a recorded signature (`RECORD_ACTIONS`) changes nothing."""
    new = dict(state)
    if action in RECORD_ACTIONS:
        return new
    new["status"], new["substate"] = to_state, to_substate
    if action == Action.REQUEST_SUPPLEMENT:
        new["supplement_count"] += 1
    elif action == Action.APOLOGIZE:
        new["apology_count"] += 1
    if to_state in PAUSED_STATES and from_state not in PAUSED_STATES:
        new["paused_from"], new["paused_at"] = from_state, occurred_at
    elif from_state in PAUSED_STATES and to_state not in PAUSED_STATES:
        new["paused_from"], new["paused_at"] = "", None
    new.update(decode(payload.get("set", {})))
    return new


def current(dossier: Any) -> dict[str, Any]:
    """The stored projection of `dossier` (its columns)."""
    return {name: getattr(dossier, name) for name in PROJECTED}


def fold(events: Iterable[Any]) -> dict[str, Any]:
    state = initial()
    for event in events:
        state = apply_event(
            state,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            to_substate=event.to_substate,
            occurred_at=event.occurred_at,
            payload=event.payload,
        )
    return state


def rebuild_projection(dossier: Any, *, save: bool = False) -> dict[str, Any]:
    """Recompute the projection from `dossier`'s events; with `save`, write it to the columns (and
    rewrite the inter-agency parts)."""
    events = list(dossier.events.order_by("seq"))
    state = fold(events)
    if save:
        type(dossier).objects.filter(pk=dossier.pk).update(**state)
        for name, value in state.items():
            setattr(dossier, name, value)
        dossier.agency_parts.all().delete()
        for part in fold_parts(events):
            dossier.agency_parts.create(**part)
    return state


# --- inter-agency parts (OS-PROC-04/05) --------------------------------------------------------------
# A hand-over event carries `payload["parts"]` = {"close": {agency_id, finished_at, verdict},
# "open": {agency_id, started_at, due_at}} (either or both); `apply_parts` and `write_parts` are the
# in-memory and the stored application of the same operations.


def _part_ops(payload: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    ops = payload.get("parts") or {}
    close, opened = ops.get("close"), ops.get("open")
    return (decode(close) if close else None), (decode(opened) if opened else None)


def apply_parts(parts: Iterable[Mapping[str, Any]], seq: int, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parts after the event numbered `seq`."""
    new = [dict(part) for part in parts]
    close, opened = _part_ops(payload)
    if close is not None:
        for part in new:
            if part["finished_at"] is None and part["agency_id"] == close["agency_id"]:
                part.update(finished_at=close["finished_at"], verdict=close["verdict"])
    if opened is not None:
        new.append(
            {
                "opened_seq": seq,
                "agency_id": opened["agency_id"],
                "started_at": opened["started_at"],
                "due_at": opened["due_at"],
                "finished_at": None,
                "verdict": "",
            }
        )
    return new


def fold_parts(events: Iterable[Any]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for event in events:
        parts = apply_parts(parts, event.seq, event.payload)
    return parts


def current_parts(dossier: Any) -> list[dict[str, Any]]:
    """The stored parts of `dossier`, oldest first."""
    return [dict(row) for row in dossier.agency_parts.order_by("opened_seq").values(*PART_FIELDS)]


def write_parts(dossier: Any, seq: int, payload: Mapping[str, Any]) -> None:
    """Store the part operations of the event numbered `seq` (called by the engine only)."""
    close, opened = _part_ops(payload)
    if close is not None:
        dossier.agency_parts.filter(agency_id=close["agency_id"], finished_at=None).update(
            finished_at=close["finished_at"], verdict=close["verdict"]
        )
    if opened is not None:
        dossier.agency_parts.create(
            opened_seq=seq, agency_id=opened["agency_id"], started_at=opened["started_at"], due_at=opened["due_at"]
        )

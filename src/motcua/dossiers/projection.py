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

from motcua.dossiers.vocabulary import Action, DossierState

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
    }
)
PAUSED_STATES = frozenset({DossierState.SUPPLEMENT_REQUESTED.value, DossierState.AWAITING_PAYMENT.value})


def initial() -> dict[str, Any]:
    """The projection of a dossier with no events (a draft)."""
    state: dict[str, Any] = dict.fromkeys(PROJECTED)
    state.update(status=DossierState.DRAFT.value, substate="", paused_from="", result_kind="", timeliness="")
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
    """The projection after one event."""
    new = dict(state)
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
    """Recompute the projection from `dossier`'s events; with `save`, write it to the columns."""
    state = fold(dossier.events.order_by("seq"))
    if save:
        type(dossier).objects.filter(pk=dossier.pk).update(**state)
        for name, value in state.items():
            setattr(dossier, name, value)
    return state

"""What became of each dossier at a cut-off, derived from its events alone (RPT-PER-02/03, RPT-PER-06).

`count_outcomes` reads `DossierEvent`-like rows (attributes `dossier_id`, `seq`, `action`,
`to_state`, `occurred_at`, `payload`) grouped by dossier, ignores events after the cut-off, and
folds each dossier on its own, independently of the projection columns, so the two can be compared:

- received (A, cumulative): accepted at or before the cut-off;
- resolved (D): reached `resolved`; early / on_time / late (D1-D3) judged against the original due
  time from the events (OS-RET-05, OS-LATE-04; a dossier without a due time counts as on time);
- in_progress (E): accepted, unfinished; not_due (E1) when the due time is at or after the cut-off
  or the clock is stopped (supplement, payment), else overdue (E2); supplement_waiting is "of which";
- withdrawn / stopped (F) after acceptance.

Dossiers never accepted are outside A: not_accepted, awaiting_intake, withdrawn_at_intake.
Identities (RPT-PER-03): received = resolved + in_progress + withdrawn + stopped,
resolved = early + on_time + late, in_progress = not_due + overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from itertools import groupby
from typing import Any

from motcua.dossiers.timeliness import dossier_timeliness

KEYS: tuple[str, ...] = (
    "received",
    "resolved",
    "early",
    "on_time",
    "late",
    "late_with_apology",
    "refusal_results",
    "in_progress",
    "not_due",
    "overdue",
    "supplement_waiting",
    "withdrawn",
    "stopped",
    "apologised",
    "not_accepted",
    "awaiting_intake",
    "withdrawn_at_intake",
)
PAUSED = frozenset({"supplement_requested", "awaiting_payment"})
DUE_FIELDS = ("due_at", "original_due_at", "rescheduled_due_at")


@dataclass
class Trace:
    """One dossier as its events tell it."""

    state: str = "draft"
    accepted: bool = False
    due_at: datetime | None = None
    original_due_at: datetime | None = None
    rescheduled_due_at: datetime | None = None
    resolved_at: datetime | None = None
    result_kind: str = ""
    apologised: bool = False


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _apply(trace: Trace, event: Any) -> None:
    trace.state = event.to_state
    changed: Mapping[str, Any] = (event.payload or {}).get("set", {})
    for name in DUE_FIELDS:
        if name in changed:
            setattr(trace, name, _when(changed[name]))
    if event.action == "accept":
        trace.accepted = True
    elif event.action == "apologize":
        trace.apologised = True
    elif event.action == "resolve" and trace.resolved_at is None:
        trace.resolved_at = event.occurred_at
        trace.result_kind = str(((event.payload or {}).get("inputs") or {}).get("result_kind", ""))


def trace_of(events: Iterable[Any], cutoff: datetime) -> Trace:
    """Fold one dossier's events (in seq order) up to and including `cutoff`."""
    trace = Trace()
    for event in sorted(events, key=lambda e: e.seq):
        if event.occurred_at > cutoff:
            break
        _apply(trace, event)
    return trace


def _resolved(trace: Trace, tz: tzinfo) -> list[str]:
    keys = ["received", "resolved"]
    if trace.result_kind == "refusal":
        keys.append("refusal_results")
    if trace.original_due_at is None or trace.resolved_at is None:
        return [*keys, "on_time"]
    verdict = dossier_timeliness(trace.resolved_at, trace.original_due_at, tz, trace.rescheduled_due_at)
    keys.append(verdict.verdict.value)
    if verdict.verdict.value == "late" and verdict.apologized:
        keys.append("late_with_apology")
    return keys


def outcome_keys(trace: Trace, cutoff: datetime, tz: tzinfo) -> list[str]:
    """The counters one dossier adds to."""
    keys = ["apologised"] if trace.apologised else []
    if not trace.accepted:
        if trace.state == "not_accepted":
            return [*keys, "not_accepted"]
        if trace.state in ("withdrawn", "stopped"):
            return [*keys, "withdrawn_at_intake"]
        return [*keys, "awaiting_intake"] if trace.state != "draft" else keys
    if trace.resolved_at is not None:
        return keys + _resolved(trace, tz)
    if trace.state in ("withdrawn", "stopped"):
        return [*keys, "received", trace.state]
    keys += ["received", "in_progress"]
    if trace.state == "supplement_requested":
        keys.append("supplement_waiting")
    running = trace.state not in PAUSED and trace.due_at is not None
    keys.append("overdue" if running and trace.due_at is not None and trace.due_at < cutoff else "not_due")
    return keys


def count_outcomes(events: Iterable[Any], *, cutoff: datetime, tz: tzinfo | None = None) -> dict[str, int]:
    """Counts of `KEYS` at `cutoff` from events ordered by dossier (then seq); `tz` is the zone
    whose local dates decide early vs on time (default: the deployment's, as the engine uses)."""
    if tz is None:
        from motcua.calendar.services import time_zone

        tz = time_zone()
    counts = dict.fromkeys(KEYS, 0)
    for _dossier, rows in groupby(events, key=lambda e: e.dossier_id):
        for key in outcome_keys(trace_of(rows, cutoff), cutoff, tz):
            counts[key] += 1
    return counts

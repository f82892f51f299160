"""Deadline effects of transitions: what each action sets on the projection (OS-SUPP, OS-LATE, OS-RET).

All arithmetic is the calendar engine's (ENGINEERING.md habit 10): the competent agency's calendar
for the statutory period, the receiving unit's for the transfer deadline (OS-XFER-02).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from motcua.calendar.engine import WorkCalendar
from motcua.calendar.services import calendar_for, time_zone
from motcua.catalog.models import Channel, TimeLimitUnit
from motcua.catalog.process_models import HOURS_PER_DAY, AllotmentUnit
from motcua.dossiers.states import Action, DossierState, Transition
from motcua.dossiers.timeliness import dossier_timeliness

RESTART, PAUSE, RUN = "restart", "pause", "run"
DUE_TIMES = ("due_at", "original_due_at", "rescheduled_due_at")


def supplement_clock_mode() -> str:
    """`supplement.clock_mode` (OS-SUPP-04): restart from zero (NĐ 61/2018, default) or pause."""
    mode = str(settings.MOTCUA.get("SUPPLEMENT_CLOCK_MODE", RESTART))
    return mode if mode in (RESTART, PAUSE) else RESTART


def payment_clock_mode() -> str:
    """`payment.clock_mode` (OS-PROC-08): while a dossier awaits a financial obligation its clock
    keeps running (`run`, default: the agency's time is the agency's) or is paused (`pause`: on
    payment every due time moves by the working time spent waiting, CAL-12)."""
    mode = str(settings.MOTCUA.get("PAYMENT_CLOCK_MODE", RUN))
    return mode if mode in (RUN, PAUSE) else RUN


def extended_by_pause(dossier: Any, now: datetime, names: tuple[str, ...]) -> dict[str, Any]:
    """Due times `names` moved by the working time between `dossier.paused_at` and `now` (CAL-12)."""
    paused_at = dossier.paused_at
    if paused_at is None:
        return {}
    calendar = calendar_for(dossier.competent_agency)
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(dossier, name)
        if value is not None:
            changes[name] = calendar.extend_for_pause(value, paused_at, now)
    return changes


def statutory_due(dossier: Any, start: datetime, calendar: WorkCalendar | None = None) -> datetime | None:
    """`start` plus the pinned version's time limit, on the competent agency's calendar (CAL-06..08)."""
    version = dossier.procedure_version
    if version.time_limit_days is None:
        return None
    calendar = calendar or calendar_for(dossier.competent_agency)
    amount = Decimal(version.time_limit_days)
    if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    if version.time_limit_unit == TimeLimitUnit.DAYS:
        return calendar.add_period(start, int(amount), "day")
    return calendar.add_working_days(start, amount)


def allotment_due(start: datetime, amount: Decimal, unit: str, calendar: WorkCalendar) -> datetime:
    """`start` plus an allotment in working days or working hours (OS-PROC-06).

    Whole and half days follow the working-day rule (CAL-15); other fractions (0.25 day) are counted
    as working hours, 8 to the day."""
    amount = Decimal(amount)
    if AllotmentUnit(unit) is AllotmentUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    if (amount * 2) % 1:
        return calendar.add_working_hours(start, amount * HOURS_PER_DAY)
    return calendar.add_working_days(start, amount)


def step_due(step: Any, start: datetime, calendar: WorkCalendar) -> datetime:
    """A process step's due time: `calendar.add(step_started_at, allotment)` (OS-PROC-06)."""
    return allotment_due(start, step.allotment, step.allotment_unit, calendar)


def _on_accept(dossier: Any, now: datetime) -> dict[str, Any]:
    due = statutory_due(dossier, now)
    changes: dict[str, Any] = {"accepted_at": now, "due_at": due, "original_due_at": due}
    if dossier.channel == Channel.COUNTER:
        changes["transfer_due_at"] = calendar_for(dossier.receiving_unit).transfer_due_at(dossier.received_at)
    return changes


def _on_resupply(dossier: Any, now: datetime) -> dict[str, Any]:
    """OS-SUPP-02 restart: the period starts again from the complete dossier; pause: CAL-12."""
    if supplement_clock_mode() == RESTART:
        due = statutory_due(dossier, now)
        return {"due_at": due, "original_due_at": due, "rescheduled_due_at": None}
    return extended_by_pause(dossier, now, DUE_TIMES)


def _on_resolve(dossier: Any, now: datetime, inputs: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {"finished_at": now, "result_kind": str(inputs["result_kind"]), "timeliness": ""}
    if dossier.original_due_at is not None:
        verdict = dossier_timeliness(now, dossier.original_due_at, time_zone(), dossier.rescheduled_due_at)
        changes["timeliness"] = verdict.verdict.value
    return changes


def changes_for(dossier: Any, row: Transition, inputs: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Projection fields (other than status, sub-state and counters) that `row` sets at `now`."""
    action = row.action
    if action is Action.ACCEPT:
        return _on_accept(dossier, now)
    if action is Action.TRANSFER and row.source is DossierState.ACCEPTED:
        return {"transferred_at": now}
    if action is Action.RESUPPLY and row.target is DossierState.IN_PROCESS:
        return _on_resupply(dossier, now)
    if action is Action.APOLOGIZE:
        # Form 04: the new date becomes the promise; the original stays for timeliness (OS-LATE-04).
        return {"rescheduled_due_at": inputs["new_due_at"], "due_at": inputs["new_due_at"]}
    if action is Action.RESOLVE:
        return _on_resolve(dossier, now, inputs)
    if action is Action.RETURN_RESULT:
        return {"returned_at": now}
    running = dossier.paused_from in (DossierState.ACCEPTED, DossierState.IN_PROCESS)
    if action is Action.CONFIRM_PAYMENT and running and payment_clock_mode() == PAUSE:
        # The step's due time moves with the dossier's (process_link leaves it alone here).
        return extended_by_pause(dossier, now, (*DUE_TIMES, "step_due_at"))
    return {}


def warnings_for(dossier: Any, row: Transition, now: datetime) -> list[str]:
    """Lateness the rules flag but do not refuse (docs/dossier-states.md, "warnings rather than refusals")."""
    found: list[str] = []
    first_transfer = row.action is Action.TRANSFER and row.source is DossierState.ACCEPTED
    if first_transfer and dossier.transfer_due_at is not None and now > dossier.transfer_due_at:
        found.append("late_transfer")  # OS-XFER-02
    if row.action is Action.REQUEST_SUPPLEMENT and row.source is DossierState.IN_PROCESS:
        accepted = dossier.accepted_at
        if accepted is not None and now > calendar_for(dossier.competent_agency).add_working_days(accepted, 3):
            found.append("late_supplement_request")  # OS-SUPP-01
    return found

"""A naive recount of the periodic report from the dossier events: the test oracle (RPT-PER-02/03).

Deliberately independent of `motcua.reports.facts`: for each dossier and each question it replays
the events strictly before the cut-off in plain Python, and recomputes verdicts from the due times
with `timeliness`. Slow and obvious on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from motcua.calendar.services import time_zone
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.timeliness import timeliness
from motcua.reports.periodic import KEYS, Period

PAUSED = {"supplement_requested", "awaiting_payment"}


def _when(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _before(events, moment):
    return [e for e in events if e.occurred_at < moment]


def _state(events):
    """(accepted, finished, status, due_at) after `events`."""
    accepted = finished = False
    status, due = "draft", None
    for e in events:
        status = e.to_state
        if "due_at" in e.payload.get("set", {}):
            due = _when(e.payload["set"]["due_at"])
        if e.action == "accept":
            accepted = True
        elif accepted and (e.action == "resolve" or e.to_state in ("withdrawn", "stopped")):
            finished = True
    return accepted, finished, status, due


def _finish(events):
    """The first resolve / withdraw / stop after acceptance, with the dossier's dates before it."""
    accepted = False
    original = rescheduled = None
    for e in events:
        changed = e.payload.get("set", {})
        if "original_due_at" in changed:
            original = _when(changed["original_due_at"])
        if "rescheduled_due_at" in changed:
            rescheduled = _when(changed["rescheduled_due_at"])
        if e.action == "accept":
            accepted = True
        elif accepted and (e.action == "resolve" or e.to_state in ("withdrawn", "stopped")):
            return e, original, rescheduled
    return None, None, None


def _main_counts(events, channel, start, end) -> list[str]:
    keys: list[str] = []
    acc_s, fin_s, _st, _due = _state(_before(events, start))
    acc_e, fin_e, status_e, due_e = _state(_before(events, end))
    if acc_s and not fin_s:
        keys.append("carried_over")
    accept = next((e for e in events if e.action == "accept"), None)
    if accept is not None and start <= accept.occurred_at < end:
        keys += ["new", {"online": "new_online", "counter": "new_counter", "postal": "new_postal"}[channel]]
    if acc_e and not fin_e:
        keys.append("in_progress")
        overdue = status_e not in PAUSED and due_e is not None and due_e < end
        keys.append("overdue" if overdue else "not_due")
        if status_e == "supplement_requested":
            keys.append("supplement_waiting")
    finish, original, rescheduled = _finish(events)
    if finish is not None and start <= finish.occurred_at < end:
        if finish.action == "resolve":
            keys.append("resolved")
            verdict = "on_time" if original is None else timeliness(finish.occurred_at, original, time_zone()).value
            keys.append(verdict)
            if verdict == "late" and rescheduled is not None:
                keys.append("late_with_apology")
            if finish.payload.get("inputs", {}).get("result_kind") == "refusal":
                keys.append("refusal_results")
        else:
            keys += ["withdrawn_or_stopped", finish.to_state]
    # received: accepted before the end and not finished before the start
    if accept is not None and accept.occurred_at < end and not (finish is not None and finish.occurred_at < start):
        keys.append("received")
    return keys


def _parts(events):
    """[(agency_id, opened event, closing event or None, due)] from the hand-over payloads."""
    found = []
    for e in events:
        ops = e.payload.get("parts") or {}
        if ops.get("close"):
            for part in found:
                if part[0] == ops["close"]["agency_id"] and part[2] is None:
                    part[2] = e
        if ops.get("open"):
            found.append([ops["open"]["agency_id"], e, None, _when(ops["open"].get("due_at"))])
    return found


def _part_counts(events, channel, part, start, end) -> list[str]:
    _agency, opened, closing, due = part
    keys: list[str] = []

    def running(moment):
        return opened.occurred_at < moment and (closing is None or closing.occurred_at >= moment)

    if running(start):
        keys.append("carried_over")
    if start <= opened.occurred_at < end:
        keys += ["new", {"online": "new_online", "counter": "new_counter", "postal": "new_postal"}[channel]]
    if running(end):
        keys.append("in_progress")
        _a, _f, status, _d = _state(_before(events, end))
        overdue = status not in PAUSED and due is not None and due < end
        keys.append("overdue" if overdue else "not_due")
        if status == "supplement_requested":
            keys.append("supplement_waiting")
    if closing is not None and start <= closing.occurred_at < end:
        if closing.to_state in ("withdrawn", "stopped"):
            keys += ["withdrawn_or_stopped", closing.to_state]
        else:
            keys.append("resolved")
            keys.append("on_time" if due is None else timeliness(closing.occurred_at, due, time_zone()).value)
            if closing.action == "resolve" and closing.payload.get("inputs", {}).get("result_kind") == "refusal":
                keys.append("refusal_results")
    if opened.occurred_at < end and (closing is None or closing.occurred_at >= start):
        keys.append("received")
    return keys


def recount(period: Period, group_by: str = "agency", include_parts: bool | None = None) -> dict[Any, dict[str, int]]:
    """Figures per group key (the same keys as `Row.key`) plus "" for the total."""
    if include_parts is None:
        include_parts = group_by in ("agency", "level")
    start, end = period.bounds()
    table: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    dossiers = Dossier.objects.select_related("competent_agency", "procedure_version")
    by_dossier = defaultdict(list)
    for e in DossierEvent.objects.order_by("dossier_id", "seq"):
        by_dossier[e.dossier_id].append(e)
    from motcua.organizations.models import Agency

    levels = dict(Agency.objects.values_list("pk", "level"))
    for d in dossiers:
        events = by_dossier[d.pk]
        version = d.procedure_version
        entries = [(d.competent_agency_id, _main_counts(events, d.channel, start, end))]
        if include_parts:
            entries += [(p[0], _part_counts(events, d.channel, p, start, end)) for p in _parts(events)]
        online_mode = {"online_full": "new_online_full", "online_partial": "new_online_partial"}
        split = online_mode.get(version.service_mode) if d.channel == "online" else None
        for agency_id, keys in entries:
            if not keys:
                continue
            if split and "new" in keys:  # RPT-PER-05: online dossiers by the procedure's online level
                keys = [*keys, split]
            group = {
                "agency": str(agency_id),
                "level": levels[agency_id],
                "sector": str(version.sector_id) if version.sector_id else "",
                "procedure": str(version.procedure_id),
            }[group_by]
            for key in keys:
                table[group][key] += 1
                table["__total__"][key] += 1
    return dict(table)

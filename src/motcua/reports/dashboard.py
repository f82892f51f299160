"""Dashboard figures for leaders and the provincial administrator (issue 7 §3), from the report facts.

Each function is one GROUP BY; every series is also returned as plain rows so the page can show
the table next to the chart. Main parts only (each dossier once) except `overdue_by_agency`, where
an agency's open inter-agency parts are its own work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.calendar.services import time_zone
from motcua.reports.models import FlowByAgency, ReportFact
from motcua.reports.periodic import in_progress_at, spans_at


@dataclass
class MonthPoint:
    month: date
    new: int
    new_online: int
    resolved: int
    resolved_in_time: int

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.resolved else round(100 * self.resolved_in_time / self.resolved, 1)

    @property
    def online_share(self) -> float | None:
        return None if not self.new else round(100 * self.new_online / self.new, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monthly_series(agency_ids: Iterable[int] | None, last_month: date, months: int = 12) -> list[MonthPoint]:
    """New dossiers (and the online share) and the on-time rate of resolved ones, month by month,
    from the month rows of the flow table (each dossier once: parts left out)."""
    first = _add_months(last_month.replace(day=1), -(months - 1))
    flows = FlowByAgency.objects.filter(grain="m", is_part=False, day__gte=first, day__lte=last_month)
    if agency_ids is not None:
        flows = flows.filter(agency_id__in=list(agency_ids))
    sums = flows.values("day").annotate(
        n_new=Sum("new"),
        n_online=Sum("new", filter=Q(channel="online")),
        n_resolved=Sum("resolved"),
        n_in_time=Sum("early") + Sum("on_time"),
    )
    points = {_add_months(first, i): MonthPoint(_add_months(first, i), 0, 0, 0, 0) for i in range(months)}
    for row in sums.order_by():
        point = points[row["day"]]
        point.new, point.new_online = row["n_new"] or 0, row["n_online"] or 0
        point.resolved, point.resolved_in_time = row["n_resolved"] or 0, row["n_in_time"] or 0
    return list(points.values())


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(time_zone()).date() if value.utcoffset() is not None else value.date()
    return value


def overdue_by_agency(agency_ids: Iterable[int] | None, moment: datetime | None = None) -> list[tuple[int, int, int]]:
    """(agency id, in progress, overdue) at `moment` (default now), most overdue first."""
    moment = moment or timezone.now()
    facts = ReportFact.objects.all()
    if agency_ids is not None:
        facts = facts.filter(agency_id__in=list(agency_ids))
    running = dict(
        facts.filter(in_progress_at(moment)).values("agency_id").annotate(n=Count("pk")).values_list("agency_id", "n")
    )
    overdue = {key: counts[0] for key, counts in spans_at(facts, moment, "agency_id").items()}
    rows = [(agency_id, count, overdue.get(agency_id, 0)) for agency_id, count in running.items()]
    return sorted(rows, key=lambda row: (-row[2], -row[1], row[0]))

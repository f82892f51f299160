"""Dashboard figures for leaders and the provincial administrator (issue 7 §3), from the report facts.

Each function is one GROUP BY; every series is also returned as plain rows so the page can show
the table next to the chart. Main parts only (each dossier once) except `overdue_by_agency`, where
an agency's open inter-agency parts are its own work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.calendar.services import time_zone
from motcua.reports.facts import ONLINE_MODES
from motcua.reports.models import FlowByAgency, ReportFact
from motcua.reports.periodic import OPEN_DELTA, spans_at, stock_window, without_jit


@dataclass
class MonthPoint:
    month: date
    new: int
    new_online: int
    resolved: int
    resolved_in_time: int
    new_online_full: int = 0
    new_online_partial: int = 0
    paid_online: int = 0  # of the month's new dossiers, those paid online (payments, OS-FEE-03)
    rated: int = 0  # ratings given in the month (OS-EVAL-04)
    satisfied: int = 0  # of which "very satisfied" or "satisfied"

    @property
    def payment_share(self) -> float | None:
        return None if not self.new else round(100 * self.paid_online / self.new, 1)

    @property
    def satisfaction_rate(self) -> float | None:
        return None if not self.rated else round(100 * self.satisfied / self.rated, 1)

    @property
    def online_other(self) -> int:
        """Online dossiers of procedures not listed as offered online."""
        return self.new_online - self.new_online_full - self.new_online_partial

    @property
    def full_share(self) -> float | None:
        """Toàn trình among the online dossiers (RPT-PER-05)."""
        return None if not self.new_online else round(100 * self.new_online_full / self.new_online, 1)

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
        n_online=Sum("new", filter=Q(channel__in=["online", *ONLINE_MODES])),
        n_full=Sum("new", filter=Q(channel="online_full")),
        n_partial=Sum("new", filter=Q(channel="online_partial")),
        n_resolved=Sum("resolved"),
        n_in_time=Sum("early") + Sum("on_time"),
    )
    points = {_add_months(first, i): MonthPoint(_add_months(first, i), 0, 0, 0, 0) for i in range(months)}
    for row in sums.order_by():
        point = points[row["day"]]
        point.new, point.new_online = row["n_new"] or 0, row["n_online"] or 0
        point.resolved, point.resolved_in_time = row["n_resolved"] or 0, row["n_in_time"] or 0
        point.new_online_full, point.new_online_partial = row["n_full"] or 0, row["n_partial"] or 0
    ids = None if agency_ids is None else list(agency_ids)
    start = datetime.combine(first, time.min, tzinfo=time_zone())
    end = datetime.combine(_add_months(last_month.replace(day=1), 1), time.min, tzinfo=time_zone())
    for month, paid in _paid_online(ids, start, end).items():
        points[month].paid_online = paid
    for month, (rated, satisfied) in _ratings(ids, start, end).items():
        points[month].rated, points[month].satisfied = rated, satisfied
    return list(points.values())


def _month(value: datetime) -> date:
    return value.astimezone(time_zone()).date().replace(day=1)


def _paid_online(ids: list[int] | None, start: datetime, end: datetime) -> dict[date, int]:
    """Dossiers accepted in [start, end) whose fees were paid online, by month of acceptance; the
    paid dossiers lead (few), each looked up in the facts by its key."""
    from motcua.payments.services import paid_online_dossier_ids

    facts = ReportFact.objects.filter(part_seq=0, accepted_at__gte=start, accepted_at__lt=end)
    if ids is not None:
        facts = facts.filter(agency_id__in=ids)
    counts: dict[date, int] = {}
    for accepted_at in facts.filter(dossier_id__in=paid_online_dossier_ids()).values_list("accepted_at", flat=True):
        counts[_month(accepted_at)] = counts.get(_month(accepted_at), 0) + 1
    return counts


def _ratings(ids: list[int] | None, start: datetime, end: datetime) -> dict[date, tuple[int, int]]:
    """(ratings, satisfied or very satisfied) given in [start, end), by month."""
    from motcua.portal.models import Rating, Satisfaction

    rated = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if ids is not None:
        rated = rated.filter(dossier__competent_agency_id__in=ids)
    counts: dict[date, tuple[int, int]] = {}
    good = {Satisfaction.VERY_SATISFIED.value, Satisfaction.SATISFIED.value}
    for created_at, overall in rated.values_list("created_at", "overall"):
        n, ok = counts.get(_month(created_at), (0, 0))
        counts[_month(created_at)] = (n + 1, ok + (overall in good))
    return counts


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(time_zone()).date() if value.utcoffset() is not None else value.date()
    return value


def running_by_agency(agency_ids: Iterable[int] | None, moment: datetime) -> dict[int, int]:
    """Facts (parts included) in progress at `moment`, per agency: the running sum of the flow rows
    before the local day of `moment`, plus the facts accepted that day before `moment`, minus those
    finished that day before it. Exact, and independent of the number of dossiers."""
    day = moment.astimezone(time_zone()).date()
    midnight = datetime.combine(day, time.min, tzinfo=time_zone())
    ids = None if agency_ids is None else list(agency_ids)
    flows = FlowByAgency.objects.filter(stock_window(day))
    facts = ReportFact.objects.all()
    if ids is not None:
        flows, facts = flows.filter(agency_id__in=ids), facts.filter(agency_id__in=ids)
    running: dict[int, int] = defaultdict(int)
    for agency_id, n in flows.values("agency_id").annotate(n=Sum(OPEN_DELTA)).values_list("agency_id", "n"):
        running[agency_id] += n or 0
    if moment > midnight:
        accepted = facts.filter(accepted_at__gte=midnight, accepted_at__lt=moment)
        finished = facts.filter(finished_at__gte=midnight, finished_at__lt=moment).exclude(end_kind="")
        for agency_id, n in accepted.values("agency_id").annotate(n=Count("pk")).values_list("agency_id", "n"):
            running[agency_id] += n
        for agency_id, n in finished.values("agency_id").annotate(n=Count("pk")).values_list("agency_id", "n"):
            running[agency_id] -= n
    return {agency_id: n for agency_id, n in running.items() if n}


def overdue_by_agency(agency_ids: Iterable[int] | None, moment: datetime | None = None) -> list[tuple[int, int, int]]:
    """(agency id, in progress, overdue) at `moment` (default now), most overdue first."""
    moment = moment or timezone.now()
    ids = None if agency_ids is None else list(agency_ids)
    facts = ReportFact.objects.all()
    if ids is not None:
        facts = facts.filter(agency_id__in=ids)
    with without_jit():
        running = running_by_agency(ids, moment)
        overdue = {key: counts[0] for key, counts in spans_at(facts, moment, "agency_id").items()}
    rows = [(agency_id, count, overdue.get(agency_id, 0)) for agency_id, count in running.items()]
    return sorted(rows, key=lambda row: (-row[2], -row[1], row[0]))

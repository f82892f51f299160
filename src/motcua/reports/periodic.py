"""The periodic report on dossier processing (RPT-PER-01..06), computed as one GROUP BY over the
report facts, with its arithmetic identities checked on every report and every cell drillable.

Columns (RPT-PER-02) for a period [S, E) of local dates (E = the day after the last day, 00:00):
- B carried over: accepted before S, not finished before S;
- C new: accepted in [S, E), by channel (C1 online, C2 counter, C3 BCCI post); A = B + C;
- D resolved: first resolve in [S, E), by verdict against the original due time (OS-RET-05,
  OS-LATE-04): D1 early, D2 on time, D3 late (of which with an apology);
- E in progress at E: accepted before E, not finished before E; E2 overdue when its clock runs and
  its due time is before E, else E1 (of which: waiting for a supplement);
- F withdrawn / stopped in [S, E).
A dossier is finished by its first resolve, withdrawal or stop. An inter-agency dossier counts once
at its competent agency and once for each part another agency handled (`include_parts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendar.services import time_zone
from motcua.core.errors import FieldError, ValidationFailed
from motcua.reports.facts import MAX_CLASS
from motcua.reports.models import COUNTS, EndKind, FlowByAgency, FlowByProcedure, ReportFact, ReportSpan, SpanKind

GROUPS: dict[str, str] = {"agency": "agency_id", "level": "level", "sector": "sector_id", "procedure": "procedure_id"}
MAX_DAYS = 366 * 5


class ReportInconsistent(RuntimeError):
    """An identity of RPT-PER-03 does not hold: the facts are damaged, never shown to a user."""


@dataclass(frozen=True)
class Column:
    key: str
    code: str
    label: Any
    formula: str


COLUMNS: tuple[Column, ...] = (
    Column("received", "A", gettext_lazy("Tổng số hồ sơ tiếp nhận"), "A = B + C"),
    Column("carried_over", "B", gettext_lazy("Kỳ trước chuyển qua"), "tiếp nhận trước kỳ, chưa kết thúc đầu kỳ"),
    Column("new", "C", gettext_lazy("Mới tiếp nhận"), "C = C1 + C2 + C3"),
    Column("new_online", "C1", gettext_lazy("Trực tuyến"), "tiếp nhận trong kỳ, kênh trực tuyến"),
    Column(
        "new_online_full",
        "C1a",
        gettext_lazy("trong đó: toàn trình"),
        "C1 của thủ tục cung cấp dịch vụ công trực tuyến toàn trình",
    ),
    Column(
        "new_online_partial",
        "C1b",
        gettext_lazy("trong đó: một phần"),
        "C1 của thủ tục cung cấp dịch vụ công trực tuyến một phần",
    ),
    Column("new_counter", "C2", gettext_lazy("Trực tiếp"), "tiếp nhận trong kỳ, tại bộ phận một cửa"),
    Column("new_postal", "C3", gettext_lazy("Qua BCCI"), "tiếp nhận trong kỳ, qua dịch vụ bưu chính công ích"),
    Column("resolved", "D", gettext_lazy("Đã giải quyết"), "D = D1 + D2 + D3"),
    Column("early", "D1", gettext_lazy("Trước hạn"), "ngày có kết quả trước ngày hẹn ban đầu"),
    Column("on_time", "D2", gettext_lazy("Đúng hạn"), "không trước hạn, có kết quả không muộn hơn hẹn ban đầu"),
    Column("late", "D3", gettext_lazy("Quá hạn"), "có kết quả sau hẹn ban đầu"),
    Column("late_with_apology", "D3a", gettext_lazy("trong đó: có xin lỗi, hẹn lại"), "D3 có phiếu 04"),
    Column("in_progress", "E", gettext_lazy("Đang giải quyết"), "E = E1 + E2"),
    Column("not_due", "E1", gettext_lazy("Chưa đến hạn"), "hạn ≥ cuối kỳ hoặc đang dừng tính thời gian"),
    Column("overdue", "E2", gettext_lazy("Quá hạn"), "hạn < cuối kỳ, đang tính thời gian"),
    Column("supplement_waiting", "Ea", gettext_lazy("trong đó: chờ bổ sung"), "E đang chờ bổ sung"),
    Column("withdrawn_or_stopped", "F", gettext_lazy("Rút, dừng giải quyết"), "F = F1 + F2"),
    Column("withdrawn", "F1", gettext_lazy("Rút hồ sơ"), "rút hồ sơ trong kỳ"),
    Column("stopped", "F2", gettext_lazy("Dừng giải quyết"), "dừng giải quyết trong kỳ"),
    Column("refusal_results", "Dr", gettext_lazy("trong đó: kết quả từ chối"), "D có kết quả từ chối"),
)
KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class Period:
    """Local dates `first` .. `last`, both included."""

    first: date
    last: date

    def bounds(self) -> tuple[datetime, datetime]:
        tz = time_zone()
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


def make_period(first: date | None, last: date | None) -> Period:
    problems = []
    if first is None:
        problems.append(FieldError("from", "required", _("Thiếu ngày đầu kỳ báo cáo.")))
    if last is None:
        problems.append(FieldError("to", "required", _("Thiếu ngày cuối kỳ báo cáo.")))
    if first is not None and last is not None:
        if last < first:
            problems.append(FieldError("to", "invalid", _("Ngày cuối kỳ phải không trước ngày đầu kỳ.")))
        elif (last - first).days > MAX_DAYS:
            problems.append(FieldError("to", "invalid", _("Kỳ báo cáo dài quá 5 năm.")))
    if problems:
        raise ValidationFailed(_("Kỳ báo cáo không hợp lệ."), problems)
    assert first is not None and last is not None
    return Period(first, last)


def _open_at(moment: datetime) -> Q:
    return Q(accepted_at__lt=moment) & (Q(finished_at__isnull=True) | Q(finished_at__gte=moment))


def _span_at(kind: str, moment: datetime) -> Exists:
    spans = ReportSpan.objects.filter(fact=OuterRef("pk"), kind=kind, lo__lt=moment)
    return Exists(spans.filter(Q(hi__isnull=True) | Q(hi__gte=moment)))


def predicates(period: Period) -> dict[str, Q]:
    """The one definition of each column as a filter on `ReportFact` (aggregates and drill-down)."""
    start, end = period.bounds()
    new = Q(accepted_at__gte=start, accepted_at__lt=end)
    ended = Q(finished_at__gte=start, finished_at__lt=end)
    resolved = ended & Q(end_kind=EndKind.RESOLVED)
    running = _open_at(end)
    overdue = Q(overdue_from__lt=end) & Q(_span_at(SpanKind.OVERDUE, end))
    return {
        "received": Q(accepted_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start)),
        "carried_over": _open_at(start),
        "new": new,
        "new_online": new & Q(channel="online"),
        "new_online_full": new & Q(channel="online", service_mode="online_full"),
        "new_online_partial": new & Q(channel="online", service_mode="online_partial"),
        "new_counter": new & Q(channel="counter"),
        "new_postal": new & Q(channel="postal"),
        "resolved": resolved,
        "early": resolved & Q(verdict="early"),
        "on_time": resolved & Q(verdict="on_time"),
        "late": resolved & Q(verdict="late"),
        "late_with_apology": resolved & Q(verdict="late", late_with_apology=True),
        "in_progress": running,
        "not_due": running & ~overdue,
        "overdue": running & overdue,
        "supplement_waiting": running & Q(supplement_count__gt=0) & Q(_span_at(SpanKind.SUPPLEMENT, end)),
        "withdrawn_or_stopped": ended & Q(end_kind__in=[EndKind.WITHDRAWN, EndKind.STOPPED]),
        "withdrawn": ended & Q(end_kind=EndKind.WITHDRAWN),
        "stopped": ended & Q(end_kind=EndKind.STOPPED),
        "refusal_results": resolved & Q(refusal=True),
    }


IDENTITIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("A = B + C", ("received",), ("carried_over", "new")),
    ("C = C1 + C2 + C3", ("new",), ("new_online", "new_counter", "new_postal")),
    ("D = D1 + D2 + D3", ("resolved",), ("early", "on_time", "late")),
    ("E = E1 + E2", ("in_progress",), ("not_due", "overdue")),
    ("F = F1 + F2", ("withdrawn_or_stopped",), ("withdrawn", "stopped")),
    ("A = D + E + F", ("received",), ("resolved", "in_progress", "withdrawn_or_stopped")),
)


def check_identities(figures: Mapping[str, int], where: str) -> None:
    """RPT-PER-03 on one row; raise `ReportInconsistent` naming the identity that fails."""
    for name, left, right in IDENTITIES:
        lhs, rhs = sum(figures[k] for k in left), sum(figures[k] for k in right)
        if lhs != rhs:
            raise ReportInconsistent(f"{where}: {name} fails ({lhs} != {rhs})")
    for part, whole in (("late_with_apology", "late"), ("supplement_waiting", "in_progress")):
        if figures[part] > figures[whole]:
            raise ReportInconsistent(f"{where}: {part} > {whole}")
    if figures.get("new_online_full", 0) + figures.get("new_online_partial", 0) > figures["new_online"]:
        raise ReportInconsistent(f"{where}: C1a + C1b > C1")


@dataclass
class Row:
    key: str
    code: str
    label: str
    figures: dict[str, int]

    @property
    def values(self) -> list[int]:
        """The figures in column order (for templates and exports)."""
        return [self.figures[key] for key in KEYS]

    @property
    def on_time_rate(self) -> float | None:
        """RPT-PER-04: (D1 + D2) / D, in percent."""
        resolved = self.figures["resolved"]
        return None if not resolved else round(100 * (self.figures["early"] + self.figures["on_time"]) / resolved, 2)


@dataclass
class Report:
    period: Period
    group_by: str
    include_parts: bool
    rows: list[Row]
    total: Row
    columns: tuple[Column, ...] = field(default=COLUMNS)


def scoped_facts(agency_ids: Iterable[int] | None, *, include_parts: bool) -> QuerySet[ReportFact]:
    facts = ReportFact.objects.all()
    if agency_ids is not None:
        facts = facts.filter(agency_id__in=list(agency_ids))
    if not include_parts:
        facts = facts.filter(part_seq=0)
    return facts


def _aggregates(period: Period) -> dict[str, Count]:
    return {key: Count("pk", filter=q) for key, q in predicates(period).items()}


def _relevant(period: Period) -> Q:
    # Every column's fact is accepted before E and not finished before S (A, B..F all imply it).
    start, end = period.bounds()
    return Q(accepted_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start))


def _labels(group_by: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    from motcua.catalog.models import Procedure, Sector
    from motcua.organizations.models import Agency, AgencyLevel

    if group_by == "agency":
        return {
            pk: (code, name) for pk, code, name in Agency.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
    if group_by == "procedure":
        found = Procedure.objects.filter(pk__in=keys).values_list("pk", "procedure_code", "name")
        return {pk: (code, name) for pk, code, name in found}
    if group_by == "sector":
        labels = {
            pk: (code, name) for pk, code, name in Sector.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
        labels[None] = ("", _("Chưa xác định lĩnh vực"))
        return labels
    return {value: (value, str(AgencyLevel(value).label) if value in AgencyLevel.values else value) for value in keys}


@contextmanager
def without_jit() -> Iterator[None]:
    """A transaction in which PostgreSQL does not JIT-compile: compiling these short index queries
    costs more than running them (their cost estimates are inflated by the OR-ed index ranges)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def periodic_report(
    period: Period,
    *,
    group_by: str = "agency",
    agency_ids: Iterable[int] | None = None,
    include_parts: bool | None = None,
    source: str = "auto",
) -> Report:
    """The report for `period`, one row per `group_by` value among the facts of `agency_ids`
    (None: all), identities checked on every row and on the total.

    `source` "flows" sums the day/month flow tables and counts the in-progress stock at both ends
    of the period from the facts (fast at any size); "facts" counts every column from the facts in
    one GROUP BY (the plain definition). "auto" takes flows whenever they hold what is asked."""
    if group_by not in GROUPS:
        message = _("Cách nhóm không hợp lệ; chọn một trong: %(choices)s.") % {"choices": ", ".join(GROUPS)}
        raise ValidationFailed(message, [FieldError("group_by", "invalid", message)])
    if include_parts is None:
        include_parts = group_by in ("agency", "level")
    ids = None if agency_ids is None else list(agency_ids)
    flows_hold = group_by in ("agency", "level") or (ids is None and not include_parts)
    if source == "auto":
        source = "flows" if flows_hold else "facts"
    if source == "flows" and not flows_hold:
        raise ValueError("the flow tables cannot answer this report")
    with without_jit():
        if source == "flows":
            by_key, totals = _from_flows(period, group_by, ids, include_parts)
        else:
            by_key, totals = _from_facts(period, group_by, ids, include_parts)
    labels = _labels(group_by, [key for key in by_key if key != ""] + ([None] if "" in by_key else []))
    rows: list[Row] = []
    for key, figures in by_key.items():
        check_identities(figures, f"{group_by}={key}")
        lookup: Any = key if group_by == "level" else (int(key) if key else None)
        code, label = labels.get(lookup, (str(key), str(key)))
        rows.append(Row(key, code, label, figures))
    rows.sort(key=lambda r: (r.code, r.label))
    check_identities(totals, "total")
    for name in KEYS:  # the total is counted on its own: it must equal the sum of the rows
        if totals[name] != sum(row.figures[name] for row in rows):
            raise ReportInconsistent(f"total {name} != sum of rows")
    return Report(period, group_by, include_parts, rows, Row("", "", _("Tổng cộng"), totals))


def _key(value: Any) -> str:
    return "" if value in (None, 0) else str(value)


def _from_facts(
    period: Period, group_by: str, ids: list[int] | None, include_parts: bool
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    facts = scoped_facts(ids, include_parts=include_parts).filter(_relevant(period))
    column = GROUPS[group_by]
    by_key = {
        _key(found[column]): {k: int(found[k]) for k in KEYS}
        for found in facts.values(column).annotate(**_aggregates(period)).order_by(column)
    }
    return by_key, {k: int(v) for k, v in facts.aggregate(**_aggregates(period)).items()}


# --- the flows source ------------------------------------------------------------------------------
FLOW_GROUPS = {"agency": "agency_id", "level": "level", "procedure": "procedure_id", "sector": "sector_id"}
# Flow channel key -> the C columns it adds to (facts.flow_channel).
CHANNEL_COLUMNS = {
    "online": ("new_online",),
    "online_full": ("new_online", "new_online_full"),
    "online_partial": ("new_online", "new_online_partial"),
    "counter": ("new_counter",),
    "postal": ("new_postal",),
}


def in_progress_at(moment: datetime) -> Q:
    """Accepted before `moment` and not finished before it, in index-sized pieces: a fact of
    duration class k finished at or after `moment` was accepted at most 2**k hours before it."""
    found = Q(finished_at__isnull=True, accepted_at__lt=moment)
    for k in range(MAX_CLASS + 1):
        piece = Q(duration_class=k, accepted_at__lt=moment, finished_at__gte=moment)
        if k < MAX_CLASS:
            piece &= Q(accepted_at__gte=moment - timedelta(hours=2**k))
        found |= piece
    return found


def spans_at(facts: QuerySet[ReportFact], moment: datetime, column: str) -> dict[Any, tuple[int, int]]:
    """(overdue, waiting for a supplement) at `moment` per `column` value, among `facts` in
    progress then. Only the few candidates (ever overdue before `moment`, or with a supplement
    request) are read, with their spans from the fact row itself (`spans_key`, written with the
    `ReportSpan` rows from the same values), so the span table is not read at all."""
    candidates = facts.filter(in_progress_at(moment)).filter(Q(overdue_from__lt=moment) | Q(supplement_count__gt=0))
    found: dict[Any, list[int]] = {}
    for key, spans_key in candidates.values_list(column, "spans_key"):
        for kind, lo, hi in json.loads(spans_key or "[]"):
            if datetime.fromisoformat(lo) < moment and (hi is None or datetime.fromisoformat(hi) >= moment):
                counts = found.setdefault(key, [0, 0])
                counts[0 if kind == SpanKind.OVERDUE else 1] += 1
    return {key: (overdue, waiting) for key, (overdue, waiting) in found.items()}


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def segments(lo: date, hi: date) -> list[tuple[str, date, date]]:
    """The local days [lo, hi) as the fewest flow rows: (grain, first, end) with day rows up to the
    first month start, month rows up to the first year start, year rows, then month rows and day
    rows for the rest. Each fact is counted once at every grain, so any cover adds up the same."""
    found: list[tuple[str, date, date]] = []
    year_end = date(hi.year, 1, 1)
    month_end = hi.replace(day=1)
    at = lo
    if at < hi and at.day != 1:
        stop = min(_next_month(at), hi)
        found.append(("d", at, stop))
        at = stop
    if at < month_end and at.month != 1:
        stop = min(date(at.year + 1, 1, 1), month_end)
        found.append(("m", at, stop))
        at = stop
    if at < year_end:
        found.append(("y", at, year_end))
        at = year_end
    if at < month_end:
        found.append(("m", at, month_end))
        at = month_end
    if at < hi:
        found.append(("d", at, hi))
    return found


def _rows(parts: list[tuple[str, date, date]]) -> Q:
    found = Q(pk__in=[])
    for grain, first, end in parts:
        found |= Q(grain=grain, day__gte=first, day__lt=end)
    return found


EARLIEST = date(1, 1, 1)


def _window(period: Period) -> Q:
    """The flow rows of the period's days."""
    return _rows(segments(period.first, period.last + timedelta(days=1)))


def stock_window(day: date) -> Q:
    """The flow rows of every local day before `day`: years, then months, then days."""
    return _rows(segments(EARLIEST, day))


OPEN_DELTA = F("new") - F("resolved") - F("withdrawn") - F("stopped")


def _flow_rows(flows: QuerySet[Any], column: str, period: Period) -> list[dict[str, Any]]:
    """One pass over the flow rows up to the period's end: the period's counts (C, D, F) and the
    stock at both ends (B, E), since "in progress at local midnight of day X" is the number of
    facts accepted before X minus those finished before X, a running sum of the flows."""
    window, before_start = _window(period), stock_window(period.first)
    before_end = stock_window(period.last + timedelta(days=1))
    sums: dict[str, Any] = {f"n_{n}": Sum(n, filter=window) for n in COUNTS}
    sums["open_start"] = Sum(OPEN_DELTA, filter=before_start)
    sums["open_end"] = Sum(OPEN_DELTA, filter=before_end)
    found = flows.filter(window | before_start | before_end).values(column, "channel").annotate(**sums).order_by()
    return list(found)


def _from_flows(
    period: Period, group_by: str, ids: list[int] | None, include_parts: bool
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    _start, end = period.bounds()
    by_agency = group_by in ("agency", "level")
    flows: QuerySet[Any] = (FlowByAgency if by_agency else FlowByProcedure).objects.all()
    if by_agency and ids is not None:
        flows = flows.filter(agency_id__in=ids)
    if by_agency and not include_parts:
        flows = flows.filter(is_part=False)
    column, fact_column = FLOW_GROUPS[group_by], GROUPS[group_by]
    by_key: dict[str, dict[str, int]] = {}

    def row(key: Any) -> dict[str, int]:
        return by_key.setdefault(_key(key), dict.fromkeys(KEYS, 0))

    for found in _flow_rows(flows, column, period):
        figures = row(found[column])
        new = found["n_new"] or 0
        figures["new"] += new
        for name in CHANNEL_COLUMNS[found["channel"]]:
            figures[name] += new
        for name in COUNTS[1:]:
            figures["refusal_results" if name == "refusal" else name] += found[f"n_{name}"] or 0
        figures["carried_over"] += found["open_start"] or 0
        figures["in_progress"] += found["open_end"] or 0
    facts = scoped_facts(ids, include_parts=include_parts)
    for key, (overdue, waiting) in spans_at(facts, end, fact_column).items():
        figures = row(key)
        figures["overdue"] += overdue
        figures["supplement_waiting"] += waiting
    for figures in by_key.values():
        figures["not_due"] = figures["in_progress"] - figures["overdue"]
        figures["received"] = figures["carried_over"] + figures["new"]
        figures["withdrawn_or_stopped"] = figures["withdrawn"] + figures["stopped"]
    by_key = {key: figures for key, figures in by_key.items() if any(figures.values())}
    totals = {name: sum(figures[name] for figures in by_key.values()) for name in KEYS}
    return by_key, totals


def cell_dossiers(
    period: Period,
    column: str,
    *,
    group_by: str = "agency",
    key: str = "",
    agency_ids: Iterable[int] | None = None,
    include_parts: bool | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """The dossiers behind one cell (`key` empty: the total row): count and one page of
    {code, agency, part_seq, accepted_at, finished_at, verdict}, ordered by code."""
    if column not in COLUMN_BY_KEY:
        message = _("Cột báo cáo không hợp lệ.")
        raise ValidationFailed(message, [FieldError("column", "invalid", message)])
    if group_by not in GROUPS:
        message = _("Cách nhóm không hợp lệ.")
        raise ValidationFailed(message, [FieldError("group_by", "invalid", message)])
    if include_parts is None:
        include_parts = group_by in ("agency", "level")
    facts = scoped_facts(agency_ids, include_parts=include_parts).filter(predicates(period)[column])
    if key:
        value: Any = key if group_by == "level" else _int_key(key)
        facts = facts.filter(**{GROUPS[group_by]: value})
    total = facts.count()
    page = facts.order_by("dossier__code", "part_seq").values(
        "dossier__code", "agency__code", "part_seq", "accepted_at", "finished_at", "verdict"
    )[offset : offset + limit]
    return total, [
        {
            "code": row["dossier__code"],
            "agency": row["agency__code"],
            "part_seq": row["part_seq"],
            "accepted_at": row["accepted_at"],
            "finished_at": row["finished_at"],
            "verdict": row["verdict"],
        }
        for row in page
    ]


def _int_key(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        message = _("Mã dòng báo cáo không hợp lệ.")
        raise ValidationFailed(message, [FieldError("key", "invalid", message)]) from None

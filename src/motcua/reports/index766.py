"""The QĐ 766 service-quality index, for what the dossier events can tell (RPT-766-01..08).

Each indicator is returned with its formula, its inputs, its rate and its points, so a leader can
check every figure: `points = max × min(1, rate / threshold)` (RPT-766-02). The points and
thresholds below are configuration (the annex with the official points was not read); indicators
whose data this platform does not hold yet (publication, digitisation, payment, feedback) are
listed without a score and left out of the total rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext_lazy as _

from motcua.reports.models import EndKind
from motcua.reports.periodic import Period, in_progress_at, scoped_facts, spans_at

# code -> (max points, threshold %); overridable with settings.MOTCUA["INDEX_766"].
DEFAULTS: dict[str, tuple[float, float]] = {"2.1": (14.0, 100.0), "3.3": (4.0, 50.0)}


@dataclass
class Indicator:
    code: str
    name: Any
    formula: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    rate: float | None = None
    threshold: float | None = None
    max_points: float | None = None
    points: float | None = None
    note: Any = ""


@dataclass
class Index766:
    month: date
    indicators: list[Indicator]

    @property
    def points(self) -> float:
        return round(sum(i.points for i in self.indicators if i.points is not None), 2)

    @property
    def max_points(self) -> float:
        return round(sum(i.max_points for i in self.indicators if i.points is not None and i.max_points), 2)


def _config(code: str) -> tuple[float, float]:
    custom = settings.MOTCUA.get("INDEX_766", {}) if isinstance(settings.MOTCUA, dict) else {}
    value = custom.get(code, DEFAULTS[code])
    return float(value[0]), float(value[1])


def _score(indicator: Indicator, numerator: int, denominator: int) -> Indicator:
    maximum, threshold = _config(indicator.code)
    indicator.max_points, indicator.threshold = maximum, threshold
    if denominator:
        indicator.rate = round(100 * numerator / denominator, 2)
        indicator.points = round(maximum * min(1.0, indicator.rate / threshold), 2)
    return indicator


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    return Period(first, last)


def progress(facts: Any, period: Period) -> Indicator:
    """2.1 (RPT-766-04): (finished on time + in progress not due) / (finished + in progress)."""
    start, end = period.bounds()
    finished = facts.filter(
        finished_at__gte=start, finished_at__lt=end, end_kind__in=[EndKind.RESOLVED, EndKind.STOPPED]
    ).aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(kpi_on_time=True)))
    running = facts.filter(in_progress_at(end)).count()
    overdue = sum(counts[0] for counts in spans_at(facts, end, "part_seq").values())
    indicator = Indicator(
        "2.1",
        _("Tiến độ giải quyết hồ sơ"),
        _(
            "(hồ sơ kết thúc đúng hạn + đang giải quyết chưa đến hạn) / (hồ sơ kết thúc trong kỳ + đang giải quyết); "
            "đúng hạn khi thời điểm kết thúc trừ thời gian chờ bổ sung không muộn hơn hẹn trả ban đầu; "
            "hồ sơ yêu cầu bổ sung quá 1 lần tính là trễ hạn"
        ),
        {
            "finished": finished["n"],
            "finished_on_time": finished["on_time"],
            "in_progress": running,
            "in_progress_not_due": running - overdue,
        },
    )
    return _score(indicator, finished["on_time"] + running - overdue, finished["n"] + running)


def mean_time(facts: Any, period: Period) -> Indicator:
    """2.2: mean time from acceptance to result of the dossiers resolved in the month (informative)."""
    start, end = period.bounds()
    found = facts.filter(finished_at__gte=start, finished_at__lt=end, end_kind=EndKind.RESOLVED).aggregate(
        n=Count("pk"), mean=Avg(F("finished_at") - F("accepted_at"))
    )
    mean = found["mean"]
    days = None if mean is None else round(mean.total_seconds() / 86400, 2)
    return Indicator(
        "2.2",
        _("Thời gian giải quyết trung bình"),
        _("trung bình (có kết quả − tiếp nhận), tính bằng ngày"),
        {"resolved": found["n"], "mean_days": days},
        note=_("Chỉ để theo dõi; chưa quy điểm."),
    )


def online_share(facts: Any, period: Period) -> Indicator:
    """3.3 (RPT-766-05), approximated: dossiers received online / all received in the month."""
    start, end = period.bounds()
    found = facts.filter(accepted_at__gte=start, accepted_at__lt=end).aggregate(
        n=Count("pk"), online=Count("pk", filter=Q(channel="online"))
    )
    indicator = Indicator(
        "3.3",
        _("Tỷ lệ hồ sơ trực tuyến"),
        _("hồ sơ tiếp nhận trực tuyến / tổng hồ sơ tiếp nhận trong kỳ"),
        {"received": found["n"], "received_online": found["online"]},
        note=_("Chưa loại các hồ sơ thiếu kết quả điện tử khi thủ tục yêu cầu kết quả giấy."),
    )
    return _score(indicator, found["online"], found["n"])


NOT_YET = (
    ("1.1", _("TTHC công khai đúng hạn"), _("cần dữ liệu công bố TTHC")),
    ("3.6", _("Tỷ lệ hồ sơ thanh toán trực tuyến"), _("cần dữ liệu thanh toán")),
    ("4.2", _("Tỷ lệ số hóa hồ sơ, kết quả"), _("cần cờ số hóa thành phần và kết quả điện tử")),
    ("5.4", _("Mức độ hài lòng"), _("cần dữ liệu đánh giá, phản ánh")),
)


def index_766(month: date, agency_ids: Iterable[int] | None) -> Index766:
    """The index for one month over the dossiers of `agency_ids` (None: the province)."""
    period = month_period(month)
    facts = scoped_facts(agency_ids, include_parts=False)
    indicators = [progress(facts, period), mean_time(facts, period), online_share(facts, period)]
    indicators += [Indicator(code, name, "", note=why) for code, name, why in NOT_YET]
    return Index766(period.first, indicators)

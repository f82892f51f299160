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
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.reports.facts import ONLINE_MODES
from motcua.reports.models import EndKind, FlowByAgency
from motcua.reports.periodic import OPEN_DELTA, Period, scoped_facts, spans_at, stock_window, without_jit

# code -> (max points, threshold %); overridable with settings.MOTCUA["INDEX_766"].
# The full thresholds are those RPT-766-05/06/07 name; elsewhere 100% (RPT-766-02).
DEFAULTS: dict[str, tuple[float, float]] = {
    "2.1": (14.0, 100.0),
    "3.1": (4.0, 80.0),
    "3.2": (2.0, 100.0),
    "3.3": (4.0, 50.0),
    "3.6": (4.0, 100.0),
    "4.1": (4.0, 100.0),
    "4.2": (6.0, 80.0),
    "5.2": (4.0, 100.0),
    "5.4": (6.0, 90.0),
}


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
    available: bool = True  # False: the platform does not hold the data (entered by the administrator)


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


def progress(facts: Any, period: Period, ids: list[int] | None) -> Indicator:
    """2.1 (RPT-766-04): (finished on time + in progress not due) / (finished + in progress); the
    number in progress at the end of the month is the running sum of the flow rows before it."""
    start, end = period.bounds()
    finished = facts.filter(
        finished_at__gte=start, finished_at__lt=end, end_kind__in=[EndKind.RESOLVED, EndKind.STOPPED]
    ).aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(kpi_on_time=True)))
    stock = FlowByAgency.objects.filter(stock_window(period.last + timedelta(days=1)), is_part=False)
    stock = stock if ids is None else stock.filter(agency_id__in=ids)
    running = stock.aggregate(n=Coalesce(Sum(OPEN_DELTA), 0))["n"]
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


def _month_flows(period: Period, ids: list[int] | None) -> Any:
    """The month row of each agency in the flow table (dossiers once: parts left out)."""
    flows = FlowByAgency.objects.filter(grain="m", day=period.first, is_part=False)
    return flows if ids is None else flows.filter(agency_id__in=ids)


def online_share(period: Period, ids: list[int] | None) -> Indicator:
    """3.3 (RPT-766-05), approximated: dossiers received online / all received in the month (from
    the month rows of the flow table: the same count as the facts accepted in the month)."""
    found = _month_flows(period, ids).aggregate(
        n=Coalesce(Sum("new"), 0), online=Coalesce(Sum("new", filter=Q(channel__in=["online", *ONLINE_MODES])), 0)
    )
    indicator = Indicator(
        "3.3",
        _("Tỷ lệ hồ sơ trực tuyến"),
        _("hồ sơ tiếp nhận trực tuyến / tổng hồ sơ tiếp nhận trong kỳ"),
        {"received": found["n"], "received_online": found["online"]},
        note=_("Chưa loại các hồ sơ thiếu kết quả điện tử khi thủ tục yêu cầu kết quả giấy."),
    )
    return _score(indicator, found["online"], found["n"])


def _received(facts: Any, period: Period) -> Any:
    start, end = period.bounds()
    return facts.filter(accepted_at__gte=start, accepted_at__lt=end)


def _resolved(facts: Any, period: Period) -> Any:
    start, end = period.bounds()
    return facts.filter(finished_at__gte=start, finished_at__lt=end, end_kind=EndKind.RESOLVED)


def _procedures(agency_ids: Iterable[int] | None) -> Any:
    """The procedures in force for the agencies (their published versions), each once."""
    from motcua.catalog.models import ProcedureVersion, VersionStatus

    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if agency_ids is not None:
        versions = versions.filter(agencies__in=list(agency_ids))
    return versions


def online_procedures(agency_ids: Iterable[int] | None) -> Indicator:
    """3.1 (RPT-766-05): procedures offered online (toàn trình or một phần) / procedures in force."""
    from motcua.catalog.models import ServiceMode

    found = _procedures(agency_ids).aggregate(
        n=Count("procedure_id", distinct=True),
        online=Count(
            "procedure_id",
            distinct=True,
            filter=Q(service_mode__in=[ServiceMode.ONLINE_FULL, ServiceMode.ONLINE_PARTIAL]),
        ),
        full=Count("procedure_id", distinct=True, filter=Q(service_mode=ServiceMode.ONLINE_FULL)),
    )
    indicator = Indicator(
        "3.1",
        _("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến"),
        _("TTHC có dịch vụ công trực tuyến (toàn trình hoặc một phần) / TTHC đang có hiệu lực của cơ quan"),
        {"procedures": found["n"], "online": found["online"], "online_full": found["full"]},
    )
    return _score(indicator, found["online"], found["n"])


def online_services_used(facts: Any, period: Period, agency_ids: Iterable[int] | None) -> Indicator:
    """3.2 (RPT-766-05): online procedures with at least one online dossier received in the month /
    online procedures."""
    from motcua.catalog.models import ServiceMode

    online = set(
        _procedures(agency_ids)
        .filter(service_mode__in=[ServiceMode.ONLINE_FULL, ServiceMode.ONLINE_PARTIAL])
        .values_list("procedure_id", flat=True)
    )
    used = set(_received(facts, period).filter(channel="online").values_list("procedure_id", flat=True).distinct())
    indicator = Indicator(
        "3.2",
        _("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ"),
        _("TTHC trực tuyến có ít nhất một hồ sơ trực tuyến tiếp nhận trong kỳ / TTHC trực tuyến"),
        {"online_procedures": len(online), "with_online_dossiers": len(online & used)},
    )
    return _score(indicator, len(online & used), len(online))


def paid_online_share(facts: Any, period: Period) -> Indicator:
    """3.6 (RPT-766-05): dossiers received in the month whose fees were paid online / those received
    in the month whose procedure version charges a fee (not exempt, amount > 0)."""
    from motcua.catalog.models import Fee
    from motcua.payments.services import paid_online_dossier_ids

    charging = Fee.objects.filter(version=OuterRef("dossier__procedure_version"), amount__gt=0, is_exempt=False)
    fee_bearing = _received(facts, period).filter(Exists(charging))
    paid = fee_bearing.filter(dossier_id__in=paid_online_dossier_ids(fee_bearing.values("dossier_id")))
    found = {"fee_bearing": fee_bearing.count(), "paid_online": paid.count()}
    indicator = Indicator(
        "3.6",
        _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        _(
            "hồ sơ tiếp nhận trong kỳ đã thanh toán phí, lệ phí trực tuyến / "
            "hồ sơ tiếp nhận trong kỳ có thu phí, lệ phí"
        ),
        found,
    )
    return _score(indicator, found["paid_online"], found["fee_bearing"])


def _result_files() -> Exists:
    from motcua.dossiers.models import DossierComponent

    return Exists(DossierComponent.objects.filter(dossier_id=OuterRef("dossier_id"), kind="result"))


def _paper_components() -> Exists:
    from motcua.dossiers.models import DossierComponent

    return Exists(
        DossierComponent.objects.filter(dossier_id=OuterRef("dossier_id"), kind="submitted").filter(
            Q(file="") | Q(file__isnull=True)
        )
    )


def digitisation(facts: Any, period: Period) -> list[Indicator]:
    """4.1 (RPT-766-06): resolved dossiers with an electronic result (a result file attached to the
    resolve) / resolved; 4.2: those whose submitted components are all files **and** with an
    electronic result / resolved (full at 80%)."""
    resolved = _resolved(facts, period)
    found = resolved.aggregate(
        n=Count("pk"),
        e_result=Count("pk", filter=Q(_result_files())),
        digitised=Count("pk", filter=Q(_result_files()) & ~Q(_paper_components())),
    )
    e_result = Indicator(
        "4.1",
        _("Tỷ lệ hồ sơ có kết quả điện tử"),
        _("hồ sơ giải quyết trong kỳ có tệp kết quả điện tử / hồ sơ giải quyết trong kỳ"),
        {"resolved": found["n"], "with_e_result": found["e_result"]},
    )
    digitised = Indicator(
        "4.2",
        _("Tỷ lệ số hóa hồ sơ, kết quả"),
        _("hồ sơ giải quyết trong kỳ có mọi thành phần là tệp điện tử và có kết quả điện tử / hồ sơ giải quyết"),
        {"resolved": found["n"], "digitised": found["digitised"]},
    )
    return [_score(e_result, found["e_result"], found["n"]), _score(digitised, found["digitised"], found["n"])]


def _feedback(facts: Any, agency_ids: Iterable[int] | None) -> Any:
    from motcua.portal.models import Feedback

    feedback = Feedback.objects.all()
    if agency_ids is not None:  # an agency's feedback is that about its dossiers
        feedback = feedback.filter(dossier_code__in=facts.values("dossier__code"))
    return feedback


def feedback_on_time(facts: Any, period: Period, agency_ids: Iterable[int] | None) -> Indicator:
    """5.2 (RPT-766-07, PTL-FB-02): feedback whose answer fell due in the month answered by then /
    feedback whose answer fell due in the month."""
    start, end = period.bounds()
    due = _feedback(facts, agency_ids).filter(answer_due_at__gte=start, answer_due_at__lt=end)
    found = due.aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("answer_due_at")))
    )
    indicator = Indicator(
        "5.2",
        _("Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn"),
        _("phản ánh đến hạn trả lời trong kỳ đã trả lời đúng hạn / phản ánh đến hạn trả lời trong kỳ"),
        {"due": found["n"], "answered_on_time": found["on_time"]},
    )
    return _score(indicator, found["on_time"], found["n"])


def satisfaction(facts: Any, period: Period, agency_ids: Iterable[int] | None) -> Indicator:
    """5.4 (RPT-766-07): 100% − (% late + % with feedback or "dissatisfied"), over the dossiers
    resolved in the month; a dossier with several of these counts once (full at 90%)."""
    from motcua.portal.models import Rating, Satisfaction

    resolved = _resolved(facts, period)
    disliked = Exists(Rating.objects.filter(dossier_id=OuterRef("dossier_id"), overall=Satisfaction.DISSATISFIED))
    complained = Exists(_feedback(facts, None).filter(dossier_code=OuterRef("dossier__code")))
    found = resolved.aggregate(
        n=Count("pk"),
        late=Count("pk", filter=Q(kpi_on_time=False)),
        unhappy=Count("pk", filter=Q(kpi_on_time=True) & (Q(disliked) | Q(complained))),
    )
    indicator = Indicator(
        "5.4",
        _("Mức độ hài lòng"),
        _("100% − (% hồ sơ trễ hạn + % hồ sơ đúng hạn nhưng có phản ánh hoặc đánh giá không hài lòng)"),
        {"resolved": found["n"], "late": found["late"], "on_time_with_feedback_or_dislike": found["unhappy"]},
    )
    return _score(indicator, found["n"] - found["late"] - found["unhappy"], found["n"])


def ratings(facts: Any, period: Period) -> dict[str, int]:
    """Citizen ratings (OS-EVAL-04) of the dossiers resolved in the period, by level."""
    from motcua.portal.models import Rating

    rated = Rating.objects.filter(dossier_id__in=_resolved(facts, period).values("dossier_id"))
    counts = dict.fromkeys(("very_satisfied", "satisfied", "dissatisfied"), 0)
    for overall, n in rated.values_list("overall").annotate(n=Count("pk")).order_by():
        counts[overall] = n
    return counts


NOT_HELD = _("Nền tảng không lưu dữ liệu này; quản trị viên nhập từ nguồn khác.")
NOT_YET = (
    ("1.1", _("TTHC được công khai đúng hạn"), NOT_HELD),
    ("1.2", _("TTHC được cập nhật trên CSDL quốc gia đúng hạn"), NOT_HELD),
    ("1.3", _("TTHC công khai đầy đủ các bộ phận"), NOT_HELD),
    ("1.4", _("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"), NOT_HELD),
    ("3.5", _("TTHC có thu phí được tích hợp thanh toán trên Cổng quốc gia"), NOT_HELD),
    ("4.3", _("Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa"), NOT_HELD),
    ("4.4", _("Tỷ lệ hồ sơ liên kết kho dữ liệu công dân"), NOT_HELD),
    ("4.5", _("Tỷ lệ sử dụng VNeID, dữ liệu dân cư"), NOT_HELD),
    ("5.1", _("Phản ánh, kiến nghị theo phân loại"), NOT_HELD),
    ("5.3", _("Mức độ hài lòng với việc xử lý phản ánh"), NOT_HELD),
)


def index_766(month: date, agency_ids: Iterable[int] | None) -> Index766:
    """The index for one month over the dossiers of `agency_ids` (None: the province)."""
    ids = None if agency_ids is None else list(agency_ids)
    period = month_period(month)
    facts = scoped_facts(ids, include_parts=False)
    with without_jit():
        indicators = _indicators(facts, period, ids)
    indicators += [Indicator(code, name, "", note=why, available=False) for code, name, why in NOT_YET]
    indicators.sort(key=lambda i: tuple(int(x) for x in i.code.split(".")))
    return Index766(period.first, indicators)


def _indicators(facts: Any, period: Period, ids: list[int] | None) -> list[Indicator]:
    return [
        progress(facts, period, ids),
        mean_time(facts, period),
        online_procedures(ids),
        online_services_used(facts, period, ids),
        online_share(period, ids),
        paid_online_share(facts, period),
        *digitisation(facts, period),
        feedback_on_time(facts, period, ids),
        satisfaction(facts, period, ids),
    ]

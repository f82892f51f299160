"""TT 01/2018 evaluation of dossier handling, per agency and per official (RPT-T01-01..04).

Nine indices scored 2 / 1 / 0 (RPT-T01-01). Per dossier (indices 1, 2, 3, 4, 6, 7) the score comes
from the report facts of the dossiers resolved in the period; per agency (5, 6, 8, 9) from the
catalog, the feedback and the facts. An index score is the mean over the dossiers, one decimal;
an index without data is left out (RPT-T01-02), and the total is the sum of the index scores shown.

What the platform can tell, and how (each rule is also in docs/reports.md):
1. total time vs rule: the dossier's verdict against the original due time: early 2, on the due
   day 1, late 0.
2. each agency's time: the worst verdict over the dossier's parts (the competent agency's and each
   inter-agency part's own due time).
3. contacts to complete the dossier: supplement requests 0 -> 2, 1 -> 1, more -> 0.
4. agencies contacted: online filing 2 (no visit); counter or post 1 (the one-stop unit only); the
   platform never sees the applicant going to another office, so 0 is never given.
6. publication on site and online: not held by the platform (left out).
7. attitude: a complaint (feedback about the dossier, or a "dissatisfied" rating) 0; otherwise
   early 2, else 1.
5. procedures fully handled at the one-stop unit: not held (left out).
8. feedback answered on time (PTL-FB-02): 100% 2, >= 90% 1, else 0; no feedback due: left out.
9. online: >= 20% of procedures online and >= 30% of dossiers online and none of them late 2;
   15-30% of dossiers online 1; else 0.

Ratings (RPT-T01-03): officials >= 5 complete 100% of the tasks, 3.5-5 70-100%, < 3.5 below 70%;
agencies >= 15 excellent, 12-15 good, 9-12 fair, 6-9 average, < 6 weak. Scores are recomputed from
the events' facts on each call (RPT-T01-04: recomputable; nothing is stored besides the facts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from motcua.reports.models import EndKind, ReportFact
from motcua.reports.periodic import Period, scoped_facts

INDEX_NAMES: dict[int, Any] = {
    1: _("Tổng thời gian giải quyết so với quy định"),
    2: _("Thời gian thực hiện của từng cơ quan so với quy định"),
    3: _("Số lần liên hệ để hoàn thiện hồ sơ"),
    4: _("Số cơ quan phải liên hệ"),
    5: _("TTHC giải quyết trọn vẹn tại Bộ phận Một cửa"),
    6: _("Công khai TTHC"),
    7: _("Thái độ của cán bộ, công chức"),
    8: _("Xử lý phản ánh, kiến nghị đúng hạn"),
    9: _("Giải quyết TTHC trực tuyến"),
}
PER_DOSSIER = (1, 2, 3, 4, 6, 7)
NOT_HELD = (5, 6)  # no data on the platform: left out (RPT-T01-02)
VERDICT_SCORE = {"early": 2, "on_time": 1, "late": 0}


def officer_indices() -> tuple[int, ...]:
    """The per-dossier indices an official is scored on (configurable: RPT-T01-03 leaves the set
    to be confirmed); by default those the platform computes."""
    custom = settings.MOTCUA.get("TT01_OFFICER_INDICES") if isinstance(settings.MOTCUA, dict) else None
    return tuple(custom) if custom else (1, 2, 3, 4, 7)


@dataclass
class DossierScore:
    dossier_id: int
    code: str
    agency_id: int
    scores: dict[int, int]


@dataclass
class Evaluation:
    """Index scores (None: no data, left out) and their sum, for one agency or one official."""

    key: Any
    label: str
    dossiers: int
    indices: dict[int, float | None]
    rating: Any = ""
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(v for v in self.indices.values() if v is not None), 1)

    @property
    def max_total(self) -> int:
        return 2 * sum(1 for v in self.indices.values() if v is not None)


def dossier_scores(period: Period, agency_ids: Iterable[int] | None) -> list[DossierScore]:
    """Indices 1, 2, 3, 4, 7 of each dossier resolved in `period` at the agencies (part 0 facts)."""
    from motcua.portal.models import Feedback, Rating, Satisfaction

    start, end = period.bounds()
    facts = scoped_facts(agency_ids, include_parts=False).filter(
        finished_at__gte=start, finished_at__lt=end, end_kind=EndKind.RESOLVED
    )
    disliked = Exists(Rating.objects.filter(dossier_id=OuterRef("dossier_id"), overall=Satisfaction.DISSATISFIED))
    complained = Exists(Feedback.objects.filter(dossier_code=OuterRef("dossier__code")))
    rows = list(
        facts.annotate(complaint=Q(disliked) | Q(complained)).values(
            "dossier_id", "dossier__code", "agency_id", "verdict", "supplement_count", "channel", "complaint"
        )
    )
    worst: dict[int, int] = {}
    parts = ReportFact.objects.filter(dossier_id__in=[r["dossier_id"] for r in rows], part_seq__gt=0)
    for dossier_id, verdict in parts.values_list("dossier_id", "verdict"):
        score = VERDICT_SCORE.get(verdict)  # an open part has no verdict yet: not counted
        if score is not None:
            worst[dossier_id] = min(worst.get(dossier_id, 2), score)
    found = []
    for row in rows:
        first = VERDICT_SCORE.get(row["verdict"], 1)
        supplements = row["supplement_count"]
        scores = {
            1: first,
            2: min(first, worst.get(row["dossier_id"], 2)),
            3: 2 if supplements == 0 else 1 if supplements == 1 else 0,
            4: 2 if row["channel"] == "online" else 1,
            7: 0 if row["complaint"] else 2 if row["verdict"] == "early" else 1,
        }
        found.append(DossierScore(row["dossier_id"], row["dossier__code"], row["agency_id"], scores))
    return sorted(found, key=lambda s: s.code)


def _means(scores: list[DossierScore], indices: Iterable[int]) -> dict[int, float | None]:
    means: dict[int, float | None] = {}
    for index in indices:
        values = [s.scores[index] for s in scores if index in s.scores]
        means[index] = round(sum(values) / len(values), 1) if values else None
    return means


def officer_rating(total: float) -> Any:
    """RPT-T01-03 for an official."""
    if total >= 5:
        return _("Hoàn thành 100% nhiệm vụ")
    if total >= 3.5:
        return _("Hoàn thành từ 70% đến dưới 100% nhiệm vụ")
    return _("Hoàn thành dưới 70% nhiệm vụ")


def agency_rating(total: float) -> Any:
    """RPT-T01-03 for an agency."""
    if total >= 15:
        return _("Xuất sắc")
    if total >= 12:
        return _("Tốt")
    if total >= 9:
        return _("Khá")
    if total >= 6:
        return _("Trung bình")
    return _("Yếu")


def _feedback_index(period: Period, dossier_codes: Any) -> tuple[int | None, dict[str, int]]:
    """Index 8: feedback about these dossiers whose answer fell due in the period."""
    from motcua.portal.models import Feedback

    start, end = period.bounds()
    due = Feedback.objects.filter(answer_due_at__gte=start, answer_due_at__lt=end)
    if dossier_codes is not None:
        due = due.filter(dossier_code__in=dossier_codes)
    total = due.count()
    on_time = due.filter(answered_at__isnull=False, answered_at__lte=F("answer_due_at")).count()
    if not total:
        return None, {"feedback_due": 0, "feedback_on_time": 0}
    share = 100 * on_time / total
    return (2 if on_time == total else 1 if share >= 90 else 0), {"feedback_due": total, "feedback_on_time": on_time}


def _online_index(period: Period, agency_ids: list[int] | None) -> tuple[int | None, dict[str, Any]]:
    """Index 9 from QĐ 766 3.1 (share of procedures online) and the dossiers received in the period."""
    from motcua.reports.index766 import online_procedures

    start, end = period.bounds()
    procedures = online_procedures(agency_ids)
    received = scoped_facts(agency_ids, include_parts=False).filter(accepted_at__gte=start, accepted_at__lt=end)
    n = received.count()
    online = received.filter(channel="online")
    n_online = online.count()
    late_online = online.filter(verdict="late").count()
    inputs = {
        "procedures_online_pct": procedures.rate,
        "received": n,
        "received_online": n_online,
        "online_late": late_online,
    }
    if not n or procedures.rate is None:
        return None, inputs
    share = 100 * n_online / n
    if procedures.rate >= 20 and share >= 30 and not late_online:
        return 2, inputs
    return (1 if share >= 15 else 0), inputs


def agency_evaluations(period: Period, agency_ids: Iterable[int] | None) -> list[Evaluation]:
    """One evaluation per agency with dossiers resolved in the period (RPT-T01-02/03)."""
    from motcua.organizations.models import Agency

    ids = None if agency_ids is None else list(agency_ids)
    scores = dossier_scores(period, ids)
    by_agency: dict[int, list[DossierScore]] = defaultdict(list)
    for score in scores:
        by_agency[score.agency_id].append(score)
    names = dict(Agency.objects.filter(pk__in=list(by_agency)).values_list("pk", "name"))
    evaluations = []
    for agency_id, own in sorted(by_agency.items()):
        indices = _means(own, (1, 2, 3, 4, 7))
        indices[5], indices[6] = None, None
        codes = ReportFact.objects.filter(agency_id=agency_id, part_seq=0).values("dossier__code")
        indices[8], feedback = _feedback_index(period, codes)
        indices[9], online = _online_index(period, [agency_id])
        evaluation = Evaluation(
            agency_id, names.get(agency_id, str(agency_id)), len(own), dict(sorted(indices.items()))
        )
        evaluation.inputs = {**feedback, **online}
        evaluation.rating = agency_rating(evaluation.total)
        evaluations.append(evaluation)
    return evaluations


def _person(user: Any) -> str:
    official = getattr(user, "official", None)
    return str(getattr(official, "full_name", "") or user.get_full_name() or user.get_username())


def official_evaluations(period: Period, agency_ids: Iterable[int] | None) -> list[Evaluation]:
    """One evaluation per official who acted on a dossier resolved in the period (any event of the
    dossier recorded with the official as its actor), over `officer_indices()`."""
    from django.contrib.auth import get_user_model

    from motcua.dossiers.models import DossierEvent

    scores = {s.dossier_id: s for s in dossier_scores(period, agency_ids)}
    acted = (
        DossierEvent.objects.filter(dossier_id__in=list(scores), actor__isnull=False)
        .order_by()
        .values_list("actor_id", "dossier_id")
        .distinct()
    )
    by_official: dict[int, list[DossierScore]] = defaultdict(list)
    for actor_id, dossier_id in acted:
        by_official[actor_id].append(scores[dossier_id])
    users = get_user_model().objects.filter(pk__in=list(by_official)).select_related("official")
    names: Mapping[int, str] = {u.pk: _person(u) for u in users}
    evaluations = []
    for official_id, own in sorted(by_official.items(), key=lambda item: names.get(item[0], "")):
        evaluation = Evaluation(
            official_id, names.get(official_id, str(official_id)), len(own), _means(own, officer_indices())
        )
        evaluation.rating = officer_rating(evaluation.total)
        evaluations.append(evaluation)
    return evaluations

"""QĐ 766 indicators beyond progress (RPT-766-05/06/07) and the TT 01/2018 scores (RPT-T01-01..03),
over a hand-built July 2025 at one unit, every expected figure worked out by hand below.

The unit handles two procedures in force: the world's "Đăng ký khai sinh" (trực tuyến một phần, a
fee of 8,000 đ) and an offline one. In July:
- d1: counter, resolved on 15 July (due 17 July: early) with a result file, no supplement;
- d2: online, one supplement request, resolved on 31 July (late), fee paid online, rated
  "dissatisfied", one feedback about it due on 20 July and answered on 18 July;
- d3: counter, still in progress.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.dossiers.files import Upload
from motcua.dossiers.services import perform_action
from motcua.reports.evaluation import agency_evaluations, dossier_scores, official_evaluations
from motcua.reports.index766 import index_766
from motcua.reports.periodic import Period
from tests.dossiers.builders import PDF, at, counter_dossier, to_processing

pytestmark = pytest.mark.django_db
JULY = Period(at(1).date(), at(31).date())


@pytest.fixture
def july(world):
    from motcua.catalog.models import Fee
    from motcua.payments.models import Payment
    from motcua.portal.models import Feedback, Rating
    from tests.catalog.factories import VersionFactory

    through = world.version.agencies.through  # the world's version is published already: set up below the guard
    through.objects.bulk_create([through(procedureversion_id=world.version.pk, agency_id=world.unit.pk)])
    Fee.objects.bulk_create([Fee(version=world.version, code="LP01", name="Lệ phí", kind="charge", amount=8000)])
    offline = VersionFactory(name="Chứng thực bản sao", service_mode="offline")
    offline.agencies.add(world.unit)
    type(offline).objects.filter(pk=offline.pk).update(status="published")  # in force; its content is not under test

    d1 = to_processing(world, counter_dossier(world))
    result = Upload(filename="ket-qua.pdf", content=PDF, name="Giấy khai sinh")
    perform_action(d1, "resolve", world.leader, {"result_kind": "approval"}, files=[result], now=at(15, 10))

    d2 = counter_dossier(world, channel="online", accept=False, user=None, now=at(14, 10))
    perform_action(d2, "accept", world.intake, {}, now=at(14, 10, 30))
    to_processing(world, d2, now=at(14, 10, 30))
    items = {"items": ["Tờ khai"], "reason": "Thiếu chữ ký"}
    perform_action(d2, "request_supplement", world.handler, items, now=at(15, 14))
    perform_action(d2, "resupply", world.intake, {"items": ["Tờ khai"]}, now=at(16, 9))
    perform_action(d2, "resolve", world.leader, {"result_kind": "approval"}, now=at(31, 10))
    Payment.objects.create(
        dossier=d2,
        provider="fake",
        reference="REF-D2",
        amount=8000,
        state="paid",
        created_at=at(14, 11),
        expires_at=at(14, 11) + timedelta(minutes=15),
        paid_at=at(14, 11, 5),
    )
    Rating.objects.create(dossier=d2, overall="dissatisfied")
    Feedback.objects.create(
        number="PA-2025-1",
        sender_name="Công dân",
        dossier_code=d2.code,
        subject="Chậm",
        content="Hồ sơ chậm",
        answer_due_at=at(20, 17),
        answered_at=at(18, 10),
    )

    d3 = to_processing(world, counter_dossier(world, now=at(21)), now=at(21))
    return d1, d2, d3


def _by_code(index):
    return {i.code: i for i in index.indicators}


def test_rpt_766_05_06_07_indicators_worked_out_by_hand(world, july):
    found = _by_code(index_766(at(1).date(), [world.unit.pk]))
    # 3.1: 1 of 2 procedures online = 50%; full at 80%: 4 x 50/80 = 2.5 points.
    assert found["3.1"].inputs == {"procedures": 2, "online": 1, "online_full": 0}
    assert (found["3.1"].rate, found["3.1"].points) == (50.0, 2.5)
    # 3.2: the one online procedure had an online dossier (d2) = 100%.
    assert found["3.2"].inputs == {"online_procedures": 1, "with_online_dossiers": 1} and found["3.2"].rate == 100.0
    # 3.3: 1 online of 3 received = 33.33%; full at 50%: 4 x 33.33/50 = 2.67.
    assert (found["3.3"].rate, found["3.3"].points) == (33.33, 2.67)
    # 3.6: all 3 charge a fee, d2 paid online = 33.33%.
    assert found["3.6"].inputs == {"fee_bearing": 3, "paid_online": 1} and found["3.6"].rate == 33.33
    # 4.1: 2 resolved, d1 with a result file = 50%; 4.2 the same dossier (all files) 50%, full at 80%: 3.75.
    assert found["4.1"].inputs == {"resolved": 2, "with_e_result": 1} and found["4.1"].rate == 50.0
    assert (found["4.2"].inputs["digitised"], found["4.2"].points) == (1, 3.75)
    # 5.2: the one feedback due in July was answered two days early.
    assert found["5.2"].inputs == {"due": 1, "answered_on_time": 1} and found["5.2"].rate == 100.0
    # 5.4: 2 resolved, d2 late (its dislike and feedback count once) -> 100% - 50% = 50%; 6 x 50/90 = 3.33.
    assert found["5.4"].inputs == {"resolved": 2, "late": 1, "on_time_with_feedback_or_dislike": 0}
    assert (found["5.4"].rate, found["5.4"].points) == (50.0, 3.33)
    # Data the platform does not hold: listed, no score, not in the total.
    for code in ("1.1", "1.4", "3.5", "4.5", "5.3"):
        assert not found[code].available and found[code].points is None


def test_rpt_766_the_other_agency_sees_none_of_it(world, july):
    found = _by_code(index_766(at(1).date(), [world.other.pk]))
    assert found["3.3"].inputs == {"received": 0, "received_online": 0} and found["3.3"].points is None
    assert found["5.2"].inputs == {"due": 0, "answered_on_time": 0}


def test_rpt_t01_01_per_dossier_indices(world, july):
    d1, d2, _d3 = july
    scores = {s.dossier_id: s.scores for s in dossier_scores(JULY, [world.unit.pk])}
    # d1: early 2, early at its only agency 2, no supplement 2, counter 1, early without complaint 2.
    assert scores[d1.pk] == {1: 2, 2: 2, 3: 2, 4: 1, 7: 2}
    # d2: late 0, 0, one supplement 1, online 2, a complaint 0. d3 is not resolved: not scored.
    assert scores[d2.pk] == {1: 0, 2: 0, 3: 1, 4: 2, 7: 0}
    assert len(scores) == 2


def test_rpt_t01_02_03_agency_score_and_rating(world, july):
    (unit,) = agency_evaluations(JULY, [world.unit.pk])
    # Means over d1, d2 (one decimal); 5 and 6 not held; 8: 1 of 1 feedback on time = 2;
    # 9: 50% of procedures online (>= 20%) and 33% of dossiers online (>= 30%) but d2 late -> 1.
    assert unit.indices == {1: 1.0, 2: 1.0, 3: 1.5, 4: 1.5, 5: None, 6: None, 7: 1.0, 8: 2, 9: 1}
    assert (unit.total, unit.max_total, str(unit.rating)) == (9.0, 14, "Khá")
    assert unit.dossiers == 2


def test_rpt_t01_03_official_scores(world, july):
    found = {e.key: e for e in official_evaluations(JULY, [world.unit.pk])}
    # The intake officer and the leader acted on d1 and d2: 1.0 + 1.0 + 1.5 + 1.5 + 1.0 = 6.0 (>= 5).
    for user in (world.intake, world.leader):
        assert (found[user.pk].total, found[user.pk].dossiers) == (6.0, 2)
        assert str(found[user.pk].rating) == "Hoàn thành 100% nhiệm vụ"
    # The handler acted only on d2: 0 + 0 + 1 + 2 + 0 = 3 (< 3.5).
    assert found[world.handler.pk].total == 3.0
    assert str(found[world.handler.pk].rating) == "Hoàn thành dưới 70% nhiệm vụ"
    assert world.outsider.pk not in found


def test_dashboard_series_online_split_payments_and_satisfaction(world, july):
    """Issue 7 §3 and RPT-PER-05: July's new dossiers, the online one (một phần) paid online, and
    the month's one rating ("dissatisfied")."""
    from motcua.portal.models import Rating
    from motcua.reports.dashboard import monthly_series

    Rating.objects.update(created_at=at(31, 12))  # given on the day d2 was resolved
    *_before, point = monthly_series([world.unit.pk], at(1).date(), months=2)
    assert (point.new, point.new_online, point.new_online_full, point.new_online_partial) == (3, 1, 0, 1)
    assert (point.paid_online, point.payment_share) == (1, 33.3)
    assert (point.rated, point.satisfied, point.satisfaction_rate) == (1, 0, 0.0)
    assert (point.full_share, point.online_other) == (0.0, 0)
    assert monthly_series([world.other.pk], at(1).date(), months=1)[0].paid_online == 0


def test_rpt_per_05_report_columns_split_online_by_service_mode(world, july):
    from motcua.reports.periodic import periodic_report
    from tests.reports.oracle import recount

    for source in ("flows", "facts"):
        figures = periodic_report(JULY, source=source).total.figures
        assert (figures["new_online"], figures["new_online_partial"], figures["new_online_full"]) == (1, 1, 0)
    assert recount(JULY)["__total__"] == periodic_report(JULY).total.figures


def test_rpt_t01_api_and_page_show_scores_in_scope(world, july):
    from django.test import Client

    client = Client()
    client.force_login(world.leader)
    body = client.get("/api/v1/reports/evaluation-t01", {"from": "2025-07-01", "to": "2025-07-31"}).json()
    assert [(a["label"], a["total"], a["rating"]) for a in body["agencies"]] == [(world.unit.name, 9.0, "Khá")]
    assert {o["key"] for o in body["officials"]} == {world.intake.pk, world.leader.pk, world.handler.pk}
    page = client.get("/bao-cao/chi-so/", {"month": "2025-07-15"})
    html = page.content.decode()
    assert (
        page.status_code == 200 and "Tỷ lệ hồ sơ thanh toán trực tuyến" in html and "9,0 / 14" in html
    )  # Vietnamese decimal comma
    assert "Không có dữ liệu trên nền tảng" in html
    # An official of the other agency sees no agency and no official of this one.
    other = Client()
    other.force_login(world.outsider)
    theirs = other.get("/api/v1/reports/evaluation-t01", {"from": "2025-07-01", "to": "2025-07-31"}).json()
    assert theirs["agencies"] == [] and theirs["officials"] == []
    assert other.get("/bao-cao/chi-so/", {"month": "2025-07-15", "agency": world.unit.code}).status_code == 200
    assert "Không có hồ sơ có kết quả" not in other.get("/bao-cao/chi-so/", {"month": "x"}).content.decode()

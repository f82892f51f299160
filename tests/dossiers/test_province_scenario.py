"""A province's periodic-report example, rebuilt through the services and counted from the events.

"289 dossiers of one department: 275 resolved on time, 11 in progress within the deadline, 3
withdrawn" (RPT-PER-02/03): every dossier is received, moved and finished through the services with
the time passed in; `count_outcomes` reads only the event log and must agree with the projection.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from motcua.calendar.services import calendar_for
from motcua.catalog import versioning
from motcua.catalog.models import RequiredDocument
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.outcomes import count_outcomes
from motcua.dossiers.services import perform_action, receive_dossier
from tests.catalog.factories import VersionFactory
from tests.dossiers.builders import HCM, PDF, citizen, make_official
from tests.organizations.factories import agency

pytestmark = pytest.mark.django_db

DEPARTMENT = "000.00.03.H56"
CUTOFF = datetime(2025, 7, 25, 17, 30, tzinfo=HCM)  # Friday after office


@pytest.fixture
def department(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = agency(code=DEPARTMENT, name="Sở Tư pháp tỉnh Thanh Hóa")
    version = VersionFactory(
        name="Cấp Phiếu lý lịch tư pháp",
        levels=["province"],
        time_limit_days=Decimal(5),
        valid_from=date(2025, 1, 1),
    )
    version.agencies.add(unit)
    RequiredDocument.objects.create(version=version, code="TK", name="Tờ khai", originals=1)
    versioning.publish(version)
    return SimpleNamespace(
        unit=unit,
        code=version.procedure.procedure_code,
        intake=make_official("motcua.stp", unit, ["intake_officer"]),
        handler=make_official("chuyenvien.stp", unit, ["handler"]),
        leader=make_official("lanhdao.stp", unit, ["department_leader"]),
        calendar=calendar_for(unit),
    )


def _accepted(dept, day: date, index: int, *, assign: bool = True) -> Dossier:
    """Received and accepted at the counter in the morning, transferred and (by default) assigned."""
    start = dept.calendar.start_of_office(day) + timedelta(minutes=30 + index % 120)
    dossier = receive_dossier(
        procedure_code=dept.code,
        channel="counter",
        receiving_unit=dept.unit,
        applicant=citizen(id_number=f"038190{index:06d}"),
        components=[Upload("to-khai.pdf", PDF, document_code="TK")],
        user=dept.intake,
        accept=True,
        now=start,
    ).dossier
    perform_action(dossier, "transfer", dept.intake, {"recipient": DEPARTMENT}, now=start + timedelta(minutes=30))
    if assign:
        inputs = {"assignee": "chuyenvien.stp"}
        perform_action(dossier, "assign", dept.leader, inputs, now=start + timedelta(hours=1))
    return dossier


def _working_days(calendar, first: date, count: int) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _build_the_period(dept) -> None:
    days = _working_days(dept.calendar, date(2025, 6, 2), 40)  # 2 June - 25 July 2025
    for index in range(275):  # resolved: 4 in 5 two working days after acceptance, 1 in 5 on the due day
        dossier = _accepted(dept, days[index % 30], index, assign=index % 4 == 0)
        due = dossier.due_at
        if index % 5:
            when = dept.calendar.start_of_office(days[index % 30 + 2]) + timedelta(hours=2)
        else:
            when = due - timedelta(hours=3)
        perform_action(dossier, "resolve", dept.leader, {"result_kind": "approval"}, now=when)
        if index % 5 == 1:
            inputs = {"return_method": "counter", "collector": dossier.applicant_name}
            perform_action(dossier, "return_result", dept.intake, inputs, now=when + timedelta(hours=1))
    for index in range(11):  # accepted in the last four working days: due after the cut-off
        _accepted(dept, days[-1 - index % 4], 300 + index)
    for index in range(3):
        dossier = _accepted(dept, days[10 + index], 400 + index)
        reason = {"reason": "Người yêu cầu xin rút hồ sơ"}
        perform_action(dossier, "withdraw", dept.intake, reason, now=dossier.accepted_at + timedelta(days=1))


def test_rpt_per_02_province_example_289_received_275_on_time_11_in_progress_3_withdrawn(department):
    _build_the_period(department)

    events = DossierEvent.objects.filter(dossier__competent_agency=department.unit).order_by("dossier_id", "seq")
    counts = count_outcomes(events, cutoff=CUTOFF)

    assert counts["received"] == 289
    assert counts["resolved"] == 275 and counts["late"] == 0
    assert counts["early"] + counts["on_time"] == 275 and counts["on_time"] == 55
    assert counts["in_progress"] == counts["not_due"] == 11 and counts["overdue"] == 0
    assert counts["withdrawn"] == 3 and counts["stopped"] == 0
    # RPT-PER-03 identities.
    assert counts["received"] == counts["resolved"] + counts["in_progress"] + counts["withdrawn"] + counts["stopped"]
    assert counts["resolved"] == counts["early"] + counts["on_time"] + counts["late"]

    # The projection columns tell the same story.
    rows = Dossier.objects.filter(competent_agency=department.unit)
    assert rows.count() == 289
    assert rows.filter(status__in=["resolved", "returned"]).count() == 275
    for verdict in ("early", "on_time", "late"):
        assert rows.filter(timeliness=verdict).count() == counts[verdict]
    assert rows.filter(status="in_process", due_at__gte=CUTOFF).count() == 11
    assert rows.filter(status="withdrawn").count() == 3


def test_count_outcomes_at_an_earlier_cut_off_sees_the_past(department):
    """RPT-PER-06: the same events counted at an earlier cut-off give that day's figures."""
    monday = datetime(2025, 7, 14, 9, 0, tzinfo=HCM)
    dossier = _accepted(department, monday.date(), 1)  # due Monday 21 July 17:00
    late = datetime(2025, 7, 23, 10, 0, tzinfo=HCM)
    perform_action(dossier, "resolve", department.leader, {"result_kind": "approval"}, now=late)
    events = DossierEvent.objects.order_by("dossier_id", "seq")

    before_due = count_outcomes(events, cutoff=datetime(2025, 7, 18, 17, 0, tzinfo=HCM))
    overdue = count_outcomes(events, cutoff=datetime(2025, 7, 22, 12, 0, tzinfo=HCM))
    after = count_outcomes(events, cutoff=CUTOFF)

    assert (before_due["in_progress"], before_due["not_due"], before_due["overdue"]) == (1, 1, 0)
    assert (overdue["in_progress"], overdue["overdue"]) == (1, 1)
    assert (after["resolved"], after["late"], after["in_progress"]) == (1, 1, 0)
    assert count_outcomes(events, cutoff=monday - timedelta(hours=1))["received"] == 0

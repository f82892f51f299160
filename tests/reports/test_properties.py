"""For random histories made through the real dossier services with controlled time, every figure
of the periodic report equals the naive recount from the events (RPT-PER-02, RPT-PER-03, RPT-PER-06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import allowed_actions_for, perform_action, receive_dossier
from motcua.organizations.models import RoleAssignment
from motcua.reports.periodic import GROUPS, KEYS, Period, periodic_report
from tests.dossiers.builders import MONDAY, OTHER_CODE, UNIT_CODE, both_components, citizen, make_official
from tests.reports.oracle import recount

pytestmark = pytest.mark.django_db

HISTORY = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENDING = frozenset({"withdraw", "stop", "not_accept"})
SUPPORTED = (
    "accept",
    "transfer",
    "assign",
    "request_supplement",
    "resupply",
    "apologize",
    "resolve",
    "return_result",
    "withdraw",
    "stop",
    "not_accept",
)


@pytest.fixture
def everyone(world):
    """One official holding every role needed at both agencies (the roles are not under test here)."""
    user = make_official("tatca.e", world.unit, ["intake_officer", "handler", "department_leader"])
    for role in ("intake_officer", "handler", "department_leader"):
        RoleAssignment.objects.create(official=user.official, role=role, agency=world.other)
    return user


def _holder_is_unit(dossier) -> bool:
    return not dossier.agency_parts.filter(finished_at=None).exists()


def _inputs(data, dossier, action, now):
    if action == "transfer":
        if dossier.status == "accepted":
            return {"recipient": UNIT_CODE}
        if _holder_is_unit(dossier):
            return {"recipient": OTHER_CODE, "allotment": data.draw(st.sampled_from(["0.5", "1", "2"]))}
        return {"recipient": UNIT_CODE}
    if action == "request_supplement":
        return {"items": ["Tờ khai ký đủ"], "reason": "Thiếu chữ ký", "override_reason": "Phát sinh"}
    if action == "apologize":
        return {"reason": "Cần xác minh", "new_due_at": dossier.due_at + timedelta(days=data.draw(st.integers(1, 6)))}
    if action == "resolve":
        kind = data.draw(st.sampled_from(["approval", "refusal"]))
        return {"result_kind": kind, "reason": "Không đủ điều kiện"}
    return {
        "assign": {"assignee": "tatca.e"},
        "resupply": {"items": ["Tờ khai ký đủ"]},
        "return_result": {"return_method": "counter", "collector": "Trần Thị Bích Ngọc"},
        "withdraw": {"reason": "Xin rút"},
        "stop": {"reason": "Dừng theo quy định"},
        "not_accept": {"reason": "Không thuộc thẩm quyền"},
    }.get(action, {})


def _live(data, world, user, start, index):
    channel = data.draw(st.sampled_from(["counter", "online", "postal"]), label="channel")
    dossier = receive_dossier(
        procedure_code=world.version.procedure.procedure_code,
        channel=channel,
        receiving_unit=world.unit,
        applicant=citizen(id_number=f"0381900{index:05d}"),
        components=both_components(),
        user=None if channel == "online" else user,
        accept=False,
        now=start,
    ).dossier
    now = start
    for _step in range(data.draw(st.integers(0, 12), label="steps")):
        now += timedelta(hours=data.draw(st.sampled_from([0, 1, 5, 20, 50, 100]), label="gap"))
        dossier = Dossier.objects.get(pk=dossier.pk)
        allowed = [a for a in allowed_actions_for(dossier, user, now=now) if a in SUPPORTED]
        if not allowed:
            break
        # Ending early would keep histories short: the terminal actions get one chance in eight.
        onward = [a for a in allowed if a not in ENDING]
        ending = data.draw(st.integers(0, 7), label="end") == 0
        action = data.draw(st.sampled_from(allowed if ending or not onward else onward), label="action")
        try:
            perform_action(dossier, action, user, _inputs(data, dossier, action, now), now=now)
        except DomainError:
            continue  # e.g. an apology date the guard refuses: the history just goes on


@HISTORY
@given(data=st.data())
def test_rpt_per_every_figure_equals_the_recount_from_events(world, everyone, data):
    with transaction.atomic():
        for index in range(data.draw(st.integers(1, 4), label="dossiers")):
            start = MONDAY + timedelta(hours=data.draw(st.integers(0, 24 * 12), label="start"))
            _live(data, world, everyone, start, index)
        first = MONDAY.date() + timedelta(days=data.draw(st.integers(-2, 20), label="first"))
        cuts = sorted(data.draw(st.lists(st.integers(0, 40), min_size=1, max_size=3), label="cuts"))
        periods, begin = [], first
        for cut in cuts:
            last = first + timedelta(days=cut)
            if last >= begin:
                periods.append(Period(begin, last))
                begin = last + timedelta(days=1)
        group_by = data.draw(st.sampled_from(sorted(GROUPS)), label="group_by")
        previous = None
        for period in periods:
            report = periodic_report(period, group_by=group_by)
            expected = recount(period, group_by)
            for source in ("facts", report):
                checked = periodic_report(period, group_by=group_by, source=source) if source == "facts" else source
                assert checked.total.figures == expected.get("__total__", dict.fromkeys(KEYS, 0))
                for row in checked.rows:
                    assert row.figures == expected[row.key], (source, period, row.key)
                assert {row.key for row in checked.rows} == set(expected) - {"__total__"}
            if previous is not None and previous.period.last + timedelta(days=1) == period.first:
                assert report.total.figures["carried_over"] == previous.total.figures["in_progress"]
            previous = report
        transaction.set_rollback(True)


def test_rpt_per_periods_are_local_dates():
    start, end = Period(date(2025, 7, 1), date(2025, 7, 31)).bounds()
    assert start.isoformat() == "2025-07-01T00:00:00+07:00" and end.isoformat() == "2025-08-01T00:00:00+07:00"

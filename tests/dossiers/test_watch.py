"""Deadline watch: D-2 to the handler, D-1 and overdue to the unit's leaders, on the working
calendar, never twice (OS-LATE-04, OS-LATE-03, OS-SUPP-01)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.calendar.models import AgencyCalendarSettings
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform_action
from motcua.dossiers.tasks import watch_deadlines_task
from motcua.dossiers.watch import watch_deadlines
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import RoleAssignment
from tests.dossiers.builders import at, counter_dossier, make_official, to_processing

pytestmark = pytest.mark.django_db

HANDLER, LEADER, HEAD, OUTSIDER = "b@hacthanh.example.vn", "c@hacthanh.example.vn", "e@hacthanh.example.vn", "d@x.vn"


@pytest.fixture
def staff(world):
    """E-mail addresses for the officials, and a second leader (agency_leader) of the unit."""
    users = get_user_model().objects
    for user, email in ((world.handler, HANDLER), (world.leader, LEADER), (world.outsider, OUTSIDER)):
        users.filter(pk=user.pk).update(email=email)
    head = make_official("giamdoc.e", world.unit, ["agency_leader", "department_leader"])
    users.filter(pk=head.pk).update(email=HEAD)
    return world


def _alerts(**filters):
    found = OutboxMessage.objects.filter(template_key__startswith="deadline_", **filters)
    return sorted((m.template_key, m.recipient) for m in found)


def _dossier(world, now=None):
    """A dossier accepted Mon 14/7/2025 09:00 (3 working days: due Thu 17/7 17:00), assigned."""
    dossier = counter_dossier(world, now=now or at(14, 9))
    return to_processing(world, dossier, now=now or at(14, 9))


def test_os_late_04_d2_alerts_the_assignee_once(staff):
    dossier = _dossier(staff)
    assert dossier.due_at == at(17, 17)
    # Tue 15/7 09:00: 22.5 working hours left -> nothing yet.
    assert watch_deadlines(at(15, 9)).total == 0
    # Wed 16/7 09:00: 14.5 working hours left <= 16 (D-2) -> the handler, not yet the leaders.
    first = watch_deadlines(at(16, 9))
    assert first.enqueued == {"due_soon": 1}
    assert _alerts() == [("deadline_due_soon", HANDLER)]
    [message] = OutboxMessage.objects.filter(template_key="deadline_due_soon")
    assert message.channel == "email" and message.related_id == dossier.code
    assert message.idempotency_key == f"deadline:{dossier.code}:due_soon:2025-07-17:{staff.handler.pk}"
    assert "phải được xử lý trước 17:00 17/07/2025" in message.body
    assert "Gửi Cán bộ chuyenvien.b," in message.body
    # A second sweep (and a later one the same day) sends nothing new.
    again = watch_deadlines(at(16, 9))
    assert again.total == 0 and again.already_sent == 1
    assert watch_deadlines(at(16, 10)).total == 0
    assert len(_alerts()) == 1


def test_os_late_04_d1_alerts_the_unit_leaders(staff):
    dossier = _dossier(staff)
    result = watch_deadlines(at(16, 17))  # Wed 16/7 17:00: one working day (8 h) left
    assert result.enqueued == {"due_soon": 1, "due_soon_leader": 2}
    assert _alerts() == [
        ("deadline_due_soon", HANDLER),
        ("deadline_due_soon", LEADER),
        ("deadline_due_soon", HEAD),  # two leader roles, one message
    ]
    leader_message = OutboxMessage.objects.get(recipient=LEADER)
    assert "Kính gửi Cán bộ lanhdao.c," in leader_message.body
    assert "Người đang xử lý: Cán bộ chuyenvien.b" in leader_message.body
    assert leader_message.related_id == dossier.code
    assert watch_deadlines(at(17, 9)).total == 0  # D-1 already sent for this due date


def test_os_late_04_overdue_alerts_the_leaders_not_other_agencies(staff):
    dossier = _dossier(staff)
    result = watch_deadlines(at(18, 9))  # Fri 18/7: past Thu 17:00
    assert result.enqueued == {"overdue": 2}
    assert _alerts() == [("deadline_overdue", LEADER), ("deadline_overdue", HEAD)]
    message = OutboxMessage.objects.get(recipient=LEADER)
    assert message.subject == f"Hồ sơ {dossier.code} đã quá hạn xử lý"
    assert "đã quá hạn xử lý từ 17:00 17/07/2025" in message.body
    assert f"/admin/dossiers/dossier/{dossier.pk}/change/" in message.body
    assert watch_deadlines(at(21, 9)).total == 0


def test_leaders_no_longer_in_office_are_not_alerted(staff):
    _dossier(staff)
    RoleAssignment.objects.filter(official__user=staff.leader).update(valid_to=date(2025, 7, 18))
    assert _alerts() == []
    watch_deadlines(at(18, 9))
    assert _alerts() == [("deadline_overdue", HEAD)]


def test_os_late_03_a_new_due_date_after_an_apology_alerts_again(staff):
    dossier = _dossier(staff)
    watch_deadlines(at(16, 9))
    perform_action(dossier, "apologize", staff.leader, {"reason": "Xác minh", "new_due_at": at(22, 17)}, now=at(16, 10))
    assert watch_deadlines(at(17, 9)).total == 0  # the new due date is far again
    result = watch_deadlines(at(21, 9))  # Mon 21/7: 14.5 working hours before Tue 22/7 17:00
    assert result.enqueued == {"due_soon": 1}
    keys = sorted(
        OutboxMessage.objects.filter(template_key="deadline_due_soon").values_list("idempotency_key", flat=True)
    )
    assert [key.split(":")[-2] for key in keys] == ["2025-07-17", "2025-07-22"]


def test_os_late_04_tet_holidays_are_not_counted_as_working_time(staff):
    # Accepted Thu 23/1/2025: 3 working days are Fri 24/1, Mon 3/2 and Tue 4/2 (Tết 25/1-2/2).
    dossier = _dossier(staff, now=at(23, 9, month=1))
    assert dossier.due_at == at(4, 17, month=2)
    # The last working day before Tết: at 09:00 6.5 + 8 + 8 = 22.5 working hours remain, at 16:00
    # 1 + 8 + 8 = 17 (> 16), although the due date is eleven calendar days away only.
    assert watch_deadlines(at(24, 9, month=1)).total == 0
    assert watch_deadlines(at(24, 16, month=1)).total == 0
    # At the close of that Friday exactly two working days (16 h) remain: D-2, during Tết as well.
    assert watch_deadlines(at(24, 17, month=1)).enqueued == {"due_soon": 1}
    assert watch_deadlines(at(31, 9, month=1)).total == 0  # already sent for this due date
    # D-1 for the leaders only on Mon 3/2 at the close (8 h left), not during the holiday.
    assert watch_deadlines(at(2, 9, month=2)).total == 0
    assert watch_deadlines(at(3, 17, month=2)).enqueued == {"due_soon_leader": 2}


def test_agency_threshold_from_the_calendar_settings(staff):
    AgencyCalendarSettings.objects.create(agency=staff.unit, due_soon_hours=Decimal(4))
    _dossier(staff)
    assert watch_deadlines(at(16, 9)).total == 0  # 14.5 h > 4 h
    assert watch_deadlines(at(17, 13)).enqueued == {"due_soon": 1, "due_soon_leader": 2}  # 4 h left


def test_os_late_01_leaders_can_be_warned_while_an_apology_is_still_possible(staff, settings):
    settings.MOTCUA = {**settings.MOTCUA, "DEADLINE_WATCH": {"LEADER_DUE_SOON_DAYS": 2}}
    _dossier(staff)
    # Wed 16/7 09:00, the working day before the due date: the leaders hear of it in time to apologise.
    assert watch_deadlines(at(16, 9)).enqueued == {"due_soon": 1, "due_soon_leader": 2}


def test_os_supp_01_clock_stopped_and_finished_dossiers_are_not_watched(staff):
    paused = _dossier(staff)
    perform_action(paused, "request_supplement", staff.handler, {"items": ["x"], "reason": "y"}, now=at(15))
    done = _dossier(staff)
    perform_action(done, "resolve", staff.leader, {"result_kind": "approval"}, now=at(16, 10))
    result = watch_deadlines(at(18, 9))
    assert result.scanned == 0 and _alerts() == []


def test_unassigned_dossier_and_missing_addresses_are_counted_unreachable(staff):
    counter_dossier(staff, now=at(14, 9))  # accepted, never transferred: no assignee
    get_user_model().objects.filter(email=LEADER).update(email="")
    result = watch_deadlines(at(17, 10))
    assert result.enqueued == {"due_soon_leader": 1}  # only the head has an address
    assert result.unreachable == 2  # the missing assignee, the leader without an address


def test_step_deadlines_alert_the_assignee_then_the_leaders(staff):
    if not any(f.name == "step_due_at" for f in Dossier._meta.get_fields()):
        pytest.skip("the model has no step_due_at column yet")
    dossier = _dossier(staff)
    Dossier.objects.filter(pk=dossier.pk).update(step_due_at=at(16, 11, 30), current_step="tham-dinh")
    first = watch_deadlines(at(16, 9))  # 2.5 working hours left on the step
    assert first.enqueued == {"due_soon": 1, "step_due_soon": 1}
    step = OutboxMessage.objects.get(idempotency_key__contains=":step_due_soon:")
    assert "ở bước “tham-dinh”" in step.body and step.recipient == HANDLER
    later = watch_deadlines(at(16, 14))
    assert later.enqueued == {"step_overdue": 2}
    assert watch_deadlines(at(16, 15)).total == 0


def test_queries_do_not_grow_with_the_number_of_dossiers(staff):
    def repeat_sweep_queries():
        watch_deadlines(at(18, 9))
        with CaptureQueriesContext(connection) as queries:
            result = watch_deadlines(at(18, 9))
        assert result.total == 0
        return len(queries)

    for _ in range(2):
        _dossier(staff)
    few = repeat_sweep_queries()
    for _ in range(4):
        _dossier(staff)
    assert repeat_sweep_queries() == few <= 10


def test_management_command_runs_one_sweep(staff):
    _dossier(staff)
    out = io.StringIO()
    call_command("watch_deadlines", "--once", "--now", "2025-07-16T09:00:00+07:00", stdout=out)
    assert out.getvalue().strip() == "deadlines: scanned=1, enqueued: due_soon=1, already_sent=0"
    call_command("watch_deadlines", "--once", "--now", "2025-07-16T09:00:00+07:00", stdout=out)
    assert len(_alerts()) == 1


def test_task_runs_a_sweep_now(staff):
    _dossier(staff)  # due in July 2025: outside the look-back window of a sweep run now
    counts = watch_deadlines_task.call()
    assert counts["scanned"] == 0 and counts["failed"] == 0

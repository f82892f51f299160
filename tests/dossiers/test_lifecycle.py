"""Full dossier lifecycles through the services, with time passed in explicitly (OS-*)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.core.errors import Conflict, ValidationFailed
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.projection import current, rebuild_projection
from motcua.dossiers.services import allowed_actions_for, perform_action
from tests.dossiers.builders import MONDAY, UNIT_CODE, at, counter_dossier, to_processing

pytestmark = pytest.mark.django_db


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def test_os_intake_02_counter_intake_accepts_and_starts_the_clock(world):
    dossier = counter_dossier(world)
    assert dossier.code == f"{UNIT_CODE}-250714-0001"
    assert dossier.status == "accepted"
    assert dossier.accepted_at == MONDAY
    # CAL-15: accepted Mon 14/7/2025 + 3 working days -> Thu 17/7/2025 end of office.
    assert dossier.due_at == at(17, 17) == dossier.original_due_at
    # OS-XFER-02: received before 15:00 -> transfer the same working day.
    assert dossier.transfer_due_at == at(14, 17)
    actions = [e.action for e in dossier.events.order_by("seq")]
    assert actions == ["submit", "accept"]
    assert dossier.version == 2


def test_os_xfer_02_counter_dossier_after_cutoff_transfers_next_working_day(world):
    dossier = counter_dossier(world, now=at(18, 15, 1))  # Friday 15:01
    assert dossier.transfer_due_at == at(21, 7, 30)


def test_full_lifecycle_transfer_assign_resolve_return_is_early(world):
    dossier = to_processing(world, counter_dossier(world))
    assert dossier.status == "in_process" and dossier.substate == "assigned"
    assert dossier.assignee_id == world.handler.pk
    assert dossier.transferred_at == MONDAY + timedelta(hours=1)
    perform_action(dossier, "start_step", world.handler, {"step": "tham-dinh", "substate": "appraising"}, now=at(15))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    assert dossier.status == "resolved" and dossier.timeliness == "early"  # OS-RET-05
    perform_action(dossier, "return_result", world.intake, {"return_method": "online"}, now=at(16, 11))
    stored = _reload(dossier)
    assert stored.status == "returned" and stored.returned_at == at(16, 11)
    assert stored.finished_at == at(16, 10)
    assert rebuild_projection(stored) == current(stored)


def test_os_ret_05_resolved_on_the_due_day_is_on_time(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(17, 16))
    assert dossier.timeliness == "on_time"


def test_os_supp_02_resupply_restarts_the_period_from_zero(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(
        dossier,
        "request_supplement",
        world.handler,
        {"items": ["Giấy chứng sinh bản chính"], "reason": "Mờ"},
        now=at(15, 10),
    )
    assert dossier.status == "supplement_requested" and dossier.supplement_count == 1
    assert dossier.paused_from == "in_process"
    perform_action(dossier, "resupply", world.intake, {"items": ["Giấy chứng sinh bản chính"]}, now=at(21, 9))
    assert dossier.status == "in_process" and dossier.substate == "assigned"
    # Monday 21/7 + 3 working days -> Thursday 24/7, end of office; the original follows the restart.
    assert dossier.due_at == at(24, 17) == dossier.original_due_at
    event = dossier.events.get(action="request_supplement")
    assert event.payload["supplement"]["phase"] == "processing"


def test_os_supp_04_pause_mode_extends_by_the_paused_working_time(world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "SUPPLEMENT_CLOCK_MODE": "pause"}
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "request_supplement", world.handler, {"items": ["x"], "reason": "y"}, now=at(15, 9))
    perform_action(dossier, "resupply", world.intake, {"items": ["x"]}, now=at(16, 9))
    assert dossier.due_at == at(18, 17)  # one working day later than Thursday


def test_os_supp_05_second_supplement_needs_an_override_reason(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "request_supplement", world.handler, {"items": ["x"], "reason": "y"}, now=at(15))
    perform_action(dossier, "resupply", world.intake, {"items": ["x"]}, now=at(16))
    with pytest.raises(Conflict) as refused:
        perform_action(dossier, "request_supplement", world.handler, {"items": ["z"], "reason": "w"}, now=at(17))
    assert refused.value.code == "supplement_override_required"
    perform_action(
        dossier,
        "request_supplement",
        world.handler,
        {"items": ["z"], "reason": "w", "override_reason": "Phát hiện thêm sai sót sau thẩm định"},
        now=at(17),
    )
    assert dossier.supplement_count == 2


def test_os_late_02_apology_once_then_409(world):
    dossier = to_processing(world, counter_dossier(world))
    new_due = at(22, 17)
    perform_action(
        dossier, "apologize", world.leader, {"reason": "Cần xác minh", "new_due_at": new_due.isoformat()}, now=at(16)
    )
    assert dossier.rescheduled_due_at == new_due and dossier.due_at == new_due
    assert dossier.original_due_at == at(17, 17) and dossier.apology_count == 1
    with pytest.raises(Conflict) as second:
        perform_action(dossier, "apologize", world.leader, {"reason": "Lần hai", "new_due_at": at(25, 17)}, now=at(17))
    assert second.value.code == "apology_already_issued" and second.value.status == 409
    # OS-LATE-04: timeliness is judged against the original due time.
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(21, 10))
    assert dossier.timeliness == "late"


def test_os_stop_01_withdrawal_is_terminal(world):
    dossier = counter_dossier(world)
    perform_action(dossier, "withdraw", world.intake, {"reason": "Người dân xin rút"}, now=at(14, 10))
    assert dossier.status == "withdrawn"
    assert allowed_actions_for(dossier, world.intake) == []
    with pytest.raises(Conflict) as refused:
        perform_action(dossier, "transfer", world.intake, {"recipient": UNIT_CODE}, now=at(14, 11))
    assert refused.value.code == "illegal_transition" and refused.value.extra["allowed"] == []


def test_os_stop_03_refusal_at_intake_is_not_accepted(world):
    dossier = counter_dossier(world, accept=False)
    assert dossier.status == "submitted" and dossier.due_at is None
    perform_action(dossier, "not_accept", world.intake, {"reason": "Không thuộc thẩm quyền"}, now=at(14, 9, 5))
    assert dossier.status == "not_accepted"
    event = dossier.events.get(action="not_accept")
    assert event.payload["form"] == "refusal" and event.reason == "Không thuộc thẩm quyền"


def test_os_state_03_missing_inputs_name_each_field(world):
    dossier = to_processing(world, counter_dossier(world))
    with pytest.raises(ValidationFailed) as missing:
        perform_action(dossier, "request_supplement", world.handler, {}, now=at(15))
    assert {f.field for f in missing.value.fields} == {"items", "reason"}


def test_os_state_03_illegal_action_lists_what_is_allowed(world):
    dossier = counter_dossier(world)
    with pytest.raises(Conflict) as refused:
        perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(15))
    assert refused.value.code == "illegal_transition"
    assert "stop" in refused.value.extra["allowed"]


def test_stale_expected_version_is_409_and_writes_nothing(world):
    dossier = counter_dossier(world)
    version = dossier.version
    first = Dossier.objects.get(pk=dossier.pk)
    second = Dossier.objects.get(pk=dossier.pk)
    perform_action(first, "transfer", world.intake, {"recipient": UNIT_CODE}, version, now=at(14, 10))
    with pytest.raises(Conflict) as lost:
        perform_action(second, "withdraw", world.intake, {"reason": "x"}, version, now=at(14, 11))
    assert lost.value.code == "stale_version" and lost.value.extra["current_version"] == version + 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 3


def test_gen_03_events_are_append_only(world):
    from motcua.dossiers.models import AppendOnlyError

    event = counter_dossier(world).events.first()
    event.reason = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_design_rule_3_projection_rebuilds_from_events_after_a_full_lifecycle(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "request_supplement", world.handler, {"items": ["x"], "reason": "y"}, now=at(15))
    perform_action(dossier, "resupply", world.intake, {"items": ["x"]}, now=at(16))
    perform_action(dossier, "apologize", world.leader, {"reason": "r", "new_due_at": at(28, 17)}, now=at(17))
    perform_action(
        dossier, "resolve", world.leader, {"result_kind": "refusal", "reason": "Không đủ điều kiện"}, now=at(22)
    )
    perform_action(
        dossier, "return_result", world.intake, {"return_method": "counter", "collector": "Ngọc"}, now=at(23)
    )
    stored = _reload(dossier)
    rebuilt = rebuild_projection(stored)
    assert rebuilt == current(stored)
    assert rebuilt["supplement_count"] == 1 and rebuilt["apology_count"] == 1
    assert rebuilt["result_kind"] == "refusal" and rebuilt["status"] == "returned"


def test_design_rule_3_a_damaged_projection_is_restored_from_the_events(world):
    dossier = to_processing(world, counter_dossier(world))
    expected = current(_reload(dossier))
    Dossier.objects.filter(pk=dossier.pk).update(status="returned", supplement_count=7, due_at=None)
    damaged = _reload(dossier)
    rebuild_projection(damaged, save=True)
    assert current(_reload(dossier)) == expected


def test_gen_03_every_transition_is_in_the_verified_audit_chain(world):
    from motcua.core.audit import verify_chain
    from motcua.core.models import AuditRecord

    dossier = to_processing(world, counter_dossier(world))
    actions = list(
        AuditRecord.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["submit", "accept", "transfer", "assign"]
    assert verify_chain().intact


def _payment_pause(world, settings, mode):
    settings.MOTCUA = {**settings.MOTCUA, "PAYMENT_CLOCK_MODE": mode}
    dossier = to_processing(world, counter_dossier(world))
    due = dossier.due_at
    fees = [{"code": "LP", "name": "Lệ phí", "amount": 50000}]
    perform_action(dossier, "request_payment", world.handler, {"fees": fees}, now=at(15, 9))
    assert dossier.status == "awaiting_payment"
    perform_action(dossier, "confirm_payment", world.intake, {"payment_ref": "BL-0001"}, now=at(16, 9))
    assert dossier.status == "in_process"
    return dossier, due


def test_os_proc_08_payment_wait_counts_against_the_deadline_by_default(world, settings):
    dossier, due = _payment_pause(world, settings, "run")
    assert dossier.due_at == due == at(17, 17)


def test_os_proc_08_pause_mode_moves_the_due_time_by_the_working_time_spent_waiting(world, settings):
    dossier, due = _payment_pause(world, settings, "pause")
    # Waiting Tue 09:00 -> Wed 09:00 is one working day: Thu 17/7 17:00 -> Fri 18/7 17:00 (CAL-12).
    assert due == at(17, 17) and dossier.due_at == at(18, 17) == dossier.original_due_at
    stored = _reload(dossier)
    assert rebuild_projection(stored) == current(stored)

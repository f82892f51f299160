"""A dossier driven by its pinned internal process: step moves, roles, requirements, step deadlines
(OS-CAT-03, OS-CAT-05, OS-PROC-06, OS-STATE-03)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from motcua.calendar.services import calendar_for
from motcua.catalog import process_services as ps
from motcua.core.errors import Conflict, Forbidden, ValidationFailed
from motcua.dossiers.clock import allotment_due
from motcua.dossiers.models import Dossier
from motcua.dossiers.projection import current, rebuild_projection
from motcua.dossiers.services import allowed_actions_for, perform_action
from motcua.dossiers.states import TRANSITIONS, Action, DossierState, Role
from tests.catalog.process_docs import move, step
from tests.dossiers.builders import MONDAY, UNIT_CODE, at, counter_dossier, make_official, to_processing
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db


def three_step_doc(procedure_code: str, **changes):
    """Reception (4 working hours) -> appraisal (1 working day) -> signature (0.5, final): 2 of 3 days."""
    doc = {
        "procedure": procedure_code,
        "agency": None,
        "name": "Quy trình đăng ký khai sinh",
        "valid_from": "2025-01-01",
        "steps": [
            step(
                "tiep_nhan",
                "Tiếp nhận hồ sơ",
                "intake_officer",
                4,
                unit="working_hours",
                substate="assigned",
                start=True,
            ),
            step("tham_dinh", "Thẩm định hồ sơ", "handler", 1),
            step("ky_duyet", "Lãnh đạo ký duyệt", "department_leader", 0.5, substate="awaiting_signature", final=True),
        ],
        "transitions": [
            move("forward", "tiep_nhan", "tham_dinh", ["intake_officer"]),
            move("propose", "tham_dinh", "ky_duyet", ["handler"], ["comment"]),
            move("send_back", "ky_duyet", "tham_dinh", ["department_leader"], ["comment"]),
        ],
    }
    doc.update(changes)
    return doc


@pytest.fixture
def process(world):
    return ps.import_process(three_step_doc(world.version.procedure.procedure_code), publish=True)


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _forwarded(world):
    """Accepted Monday 09:00, transferred 10:00 (forwarded out of reception), assigned 11:00."""
    return to_processing(world, counter_dossier(world))


def test_os_cat_03_accept_pins_the_process_in_force_and_enters_the_start_step(world, process):
    dossier = counter_dossier(world)
    assert dossier.process_template_id == process.pk
    assert ps.process_in_force(world.version.procedure.procedure_code, UNIT_CODE, MONDAY) == process
    assert dossier.current_step == "tiep_nhan" and dossier.step_started_at == MONDAY
    # OS-PROC-06: Monday 09:00 + 4 working hours (lunch excluded) -> 14:30.
    assert dossier.step_due_at == at(14, 14, 30)
    accept = dossier.events.get(action="accept")
    assert accept.payload["process"]["template_id"] == process.pk
    assert accept.payload["step"]["to"] == "tiep_nhan"


def test_os_cat_05_the_pinned_process_does_not_follow_a_later_version(world, process):
    dossier = counter_dossier(world)
    later = ps.new_process_version(process)
    later.valid_from = (MONDAY + timedelta(days=1)).date()
    later.save()
    ps.publish_process(later)
    assert _reload(dossier).process_template_id == process.pk
    assert counter_dossier(world, now=at(16)).process_template_id == later.pk


def test_os_proc_06_transfer_forwards_out_of_reception_with_the_step_deadline(world, process):
    dossier = _forwarded(world)
    assert dossier.status == "in_process" and dossier.substate == "assigned"
    assert dossier.current_step == "tham_dinh"
    assert dossier.step_started_at == MONDAY + timedelta(hours=1)
    assert dossier.step_due_at == at(15, 17)  # Monday 10:00 + 1 working day
    transfer = dossier.events.get(action="transfer")
    assert (transfer.payload["step"]["from"], transfer.payload["step"]["to"]) == ("tiep_nhan", "tham_dinh")
    assert transfer.payload["step"]["verdict"] == "on_time"  # left reception at 10:00, due 14:30 the same day
    assert transfer.role == "intake_officer"


def test_os_proc_06_three_steps_with_roles_send_back_and_final_step(world, process):
    dossier = _forwarded(world)
    # Wrong role: the leader may not propose on the handler's step (409); outsiders get 403.
    with pytest.raises(Conflict) as wrong:
        perform_action(dossier, "complete_step", world.leader, {"transition": "propose", "comment": "x"}, now=at(15))
    assert wrong.value.code == "illegal_step_transition" and wrong.value.status == 409
    assert wrong.value.extra["current_step"] == "tham_dinh" and wrong.value.extra["allowed_transitions"] == []
    with pytest.raises(Forbidden):
        perform_action(dossier, "complete_step", world.outsider, {"transition": "propose", "comment": "x"}, now=at(15))
    # The transition's `requires: [comment]` is enforced (422 naming the field).
    with pytest.raises(ValidationFailed) as missing:
        perform_action(dossier, "complete_step", world.handler, {"transition": "propose"}, now=at(15))
    assert [f.field for f in missing.value.fields] == ["comment"]
    # A transition that does not leave the current step is refused.
    with pytest.raises(Conflict) as elsewhere:
        perform_action(dossier, "complete_step", world.handler, {"transition": "send_back", "comment": "x"}, now=at(15))
    assert elsewhere.value.extra["allowed_transitions"] == ["propose"]

    perform_action(dossier, "complete_step", world.handler, {"transition": "propose", "comment": "Đủ"}, now=at(15, 10))
    assert (dossier.current_step, dossier.substate) == ("ky_duyet", "awaiting_signature")
    assert dossier.step_started_at == at(15, 10) and dossier.step_due_at == at(16, 11, 30)  # + 0.5 working day
    event = dossier.events.order_by("-seq").first()
    assert event.payload["step"]["from"] == "tham_dinh" and event.payload["step"]["to"] == "ky_duyet"
    assert event.payload["step"]["verdict"] == "on_time" and event.payload["step"]["final"] is True

    perform_action(
        dossier, "send_back", world.leader, {"step": "tham_dinh", "comment": "Bổ sung ý kiến"}, now=at(15, 14)
    )
    assert (dossier.current_step, dossier.substate) == ("tham_dinh", "appraising")
    assert dossier.step_due_at == at(16, 17)
    back = dossier.events.order_by("-seq").first()
    assert back.action == "send_back" and back.payload["inputs"]["transition"] == "send_back"

    perform_action(dossier, "complete_step", world.handler, {"step": "ky_duyet", "comment": "Đã bổ sung"}, now=at(16))
    assert dossier.current_step == "ky_duyet"
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    resolved = dossier.events.order_by("-seq").first()
    assert "warnings" not in resolved.payload  # resolved from the final step
    perform_action(dossier, "return_result", world.intake, {"return_method": "online"}, now=at(16, 11))
    stored = _reload(dossier)
    assert stored.status == "returned" and stored.current_step == "" and stored.step_due_at is None
    # DESIGN.md rule 3: the new columns fold from the events too.
    assert rebuild_projection(stored) == current(stored)


def test_os_proc_06_late_step_is_judged_when_left(world, process):
    dossier = _forwarded(world)
    perform_action(dossier, "complete_step", world.handler, {"transition": "propose", "comment": "Trễ"}, now=at(16, 9))
    assert dossier.events.order_by("-seq").first().payload["step"]["verdict"] == "late"


def test_os_state_03_step_moves_need_a_transition_or_step_and_menus_follow_the_process(world, process):
    dossier = _forwarded(world)
    with pytest.raises(ValidationFailed) as missing:
        perform_action(dossier, "complete_step", world.handler, {}, now=at(15))
    assert [f.field for f in missing.value.fields] == ["transition"]
    assert "complete_step" in allowed_actions_for(dossier, world.handler, now=at(15))
    assert "complete_step" not in allowed_actions_for(dossier, world.intake, now=at(15))


def test_clerk_and_intake_officer_move_steps_only_when_the_process_names_them(world, process):
    """The table lets these roles move a step; the engine only for a process step they perform."""
    rows = [r for r in TRANSITIONS if r.source is DossierState.IN_PROCESS and r.action is Action.COMPLETE_STEP]
    assert len(rows) == 1 and {Role.CLERK, Role.INTAKE_OFFICER, Role.HANDLER} <= rows[0].roles
    doc = three_step_doc(
        world.version.procedure.procedure_code,
        valid_from="2025-07-15",
        steps=[
            step("tham_dinh", "Thẩm định", "handler", 1, start=True),
            step("van_thu", "Văn thư phát hành", "clerk", 4, unit="working_hours"),
            step("tra", "Trả kết quả", "intake_officer", 0.5, substate="assigned", final=True),
        ],
        transitions=[
            move("propose", "tham_dinh", "van_thu", ["handler"]),
            move("issue", "van_thu", "tra", []),
        ],
    )
    ps.import_process(doc, publish=True)
    clerk = make_official("vanthu.e", world.unit, ["clerk"])
    dossier = to_processing(world, counter_dossier(world, now=at(15)), now=at(15))
    assert dossier.current_step == "tham_dinh"  # no transition out of the start step for the intake officer
    perform_action(dossier, "complete_step", world.handler, {"transition": "propose"}, now=at(16))
    perform_action(dossier, "complete_step", clerk, {"transition": "issue"}, now=at(16, 10))
    assert dossier.current_step == "tra"
    assert dossier.events.order_by("-seq").first().role == "clerk"


def test_os_state_03_dossiers_without_a_process_keep_the_generic_table(world):
    dossier = _forwarded(world)
    assert dossier.process_template_id is None and dossier.current_step == ""
    with pytest.raises(Conflict) as refused:
        perform_action(dossier, "complete_step", world.intake, {"step": "x"}, now=at(15))
    assert refused.value.code == "illegal_transition"
    assert "complete_step" not in allowed_actions_for(dossier, world.intake, now=at(15))
    perform_action(dossier, "complete_step", world.handler, {"step": "tham-dinh"}, now=at(15))
    assert dossier.substate == "assigned"


def test_generic_path_still_works_for_a_dossier_with_a_process(world, process):
    """accept -> transfer -> assign -> resolve -> return (the demo-history path) is not refused; resolving
    before the final step is flagged as a warning."""
    dossier = _forwarded(world)
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16))
    assert dossier.events.order_by("-seq").first().payload["warnings"] == ["resolved_before_final_step"]
    perform_action(dossier, "return_result", world.intake, {"return_method": "online"}, now=at(16, 10))
    stored = _reload(dossier)
    assert stored.status == "returned"
    assert rebuild_projection(stored) == current(stored)


def test_os_proc_06_api_detail_shows_the_step_and_moves_by_step_key(client, world, process):
    dossier = _forwarded(world)
    assert client.login(username=world.handler.username, password=PASSWORD)
    url = f"/api/v1/dossiers/{dossier.code}"
    data = client.get(url).json()
    assert data["current_step"] == "tham_dinh"
    assert datetime.fromisoformat(data["step_due_at"].replace("Z", "+00:00")) == at(15, 17)
    response = client.post(
        f"{url}/actions", {"action": "complete_step", "step": "ky_duyet"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "comment"
    response = client.post(
        f"{url}/actions",
        {"action": "complete_step", "step": "ky_duyet", "comment": "Đủ điều kiện"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["current_step"] == "ky_duyet" and response.json()["substate"] == "awaiting_signature"


def test_os_proc_06_quarter_day_allotments_count_as_working_hours(world):
    calendar = calendar_for(world.unit)
    assert allotment_due(at(14, 9), Decimal("0.25"), "working_days", calendar) == at(14, 11)
    assert allotment_due(at(14, 9), Decimal("2"), "working_hours", calendar) == at(14, 11)
    assert allotment_due(at(14, 10), Decimal("1"), "working_days", calendar) == at(15, 17)


def test_os_proc_08_pause_mode_moves_the_step_due_time_too(world, process, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PAYMENT_CLOCK_MODE": "pause"}
    dossier = _forwarded(world)
    step_due = dossier.step_due_at
    assert step_due is not None
    fees = [{"code": "LP", "name": "Lệ phí", "amount": 50000}]
    perform_action(dossier, "request_payment", world.handler, {"fees": fees}, now=at(15, 9))
    perform_action(dossier, "confirm_payment", world.intake, {"payment_ref": "BL-0001"}, now=at(16, 9))
    # One working day spent waiting (Tue 09:00 -> Wed 09:00): the step's due time moves by it.
    assert dossier.step_due_at == calendar_for(world.unit).extend_for_pause(step_due, at(15, 9), at(16, 9))
    assert dossier.step_due_at > step_due
    assert rebuild_projection(_reload(dossier)) == current(_reload(dossier))

"""Inter-agency dossiers (liên thông): hand-over records, timed agency parts, access of the receiving
agency, one dossier code throughout (OS-PROC-04, OS-PROC-05, OS-XFER-03, OS-FORM-06)."""

from __future__ import annotations

import pytest

from motcua.catalog import process_services as ps
from motcua.core.errors import Conflict, Forbidden, ValidationFailed
from motcua.dossiers.models import Dossier, DossierAgencyPart
from motcua.dossiers.permissions import dossier_agency_codes, roles_for
from motcua.dossiers.projection import current, current_parts, fold_parts, rebuild_projection
from motcua.dossiers.services import perform_action
from tests.dossiers.builders import OTHER_CODE, UNIT_CODE, at, counter_dossier, make_official, to_processing
from tests.dossiers.test_process_steps import three_step_doc
from tests.organizations.factories import PASSWORD, agency

pytestmark = pytest.mark.django_db
THIRD_CODE = "000.00.03.H56"


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _hand_over(world, dossier, recipient=OTHER_CODE, user=None, now=None, **inputs):
    values = {"recipient": recipient, **inputs}
    return perform_action(dossier, "transfer", user or world.leader, values, now=now or at(15, 9))


def test_os_proc_04_transfer_out_and_back_times_the_part_and_keeps_the_code(world):
    dossier = to_processing(world, counter_dossier(world))
    code = dossier.code
    with pytest.raises(Forbidden):  # not yet the other agency's dossier
        perform_action(dossier, "assign", world.outsider, {"assignee": "ngoai.d"}, now=at(15))
    event = _hand_over(world, dossier, allotment="2", comment="Phiếu chuyển số 12", reference="BCCI-EL123")
    assert dossier.code == code and dossier.status == "in_process" and dossier.substate == "interagency"
    handover = event.payload["handover"]
    assert (handover["giver"], handover["receiver"]) == (UNIT_CODE, OTHER_CODE)
    assert handover["note"] == "Phiếu chuyển số 12" and handover["reference"] == "BCCI-EL123"
    assert handover["at"] == at(15, 9).isoformat()
    part = DossierAgencyPart.objects.get(dossier=dossier)
    assert part.agency == world.other and part.started_at == at(15, 9) and part.finished_at is None
    assert part.due_at == at(17, 17)  # Tuesday 09:00 + 2 working days
    # The receiving agency's officials gain access while their part is open.
    assert dossier_agency_codes(dossier) == (UNIT_CODE, OTHER_CODE)
    assert roles_for(dossier, world.outsider)
    perform_action(dossier, "assign", world.outsider, {"assignee": "ngoai.d"}, now=at(15, 10))
    back = _hand_over(world, dossier, UNIT_CODE, user=world.outsider, now=at(16, 10), comment="Đã có ý kiến")
    assert back.agency_code == OTHER_CODE
    assert back.payload["handover"]["giver"] == OTHER_CODE and back.payload["handover"]["verdict"] == "early"
    part.refresh_from_db()
    assert part.finished_at == at(16, 10) and part.verdict == "early"
    assert dossier.substate == "assigned"  # back at the competent agency
    assert roles_for(dossier, world.outsider) == {}
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 11))
    stored = _reload(dossier)
    assert stored.code == code and Dossier.objects.count() == 1
    assert rebuild_projection(stored) == current(stored)
    assert fold_parts(stored.events.order_by("seq")) == current_parts(stored)


def test_os_proc_04_parts_in_sequence_late_part_and_resolve_closes_the_open_part(world):
    agency(code=THIRD_CODE, name="Ủy ban nhân dân phường Quảng Phú")
    dossier = to_processing(world, counter_dossier(world))
    _hand_over(world, dossier, allotment="0.5", now=at(15, 9))
    _hand_over(world, dossier, THIRD_CODE, user=world.outsider, allotment="1", now=at(17, 9))
    first, second = DossierAgencyPart.objects.filter(dossier=dossier).order_by("opened_seq")
    assert first.verdict == "late" and first.finished_at == at(17, 9)  # due Wednesday 11:30
    assert second.agency.code == THIRD_CODE and second.finished_at is None
    assert dossier_agency_codes(dossier) == (UNIT_CODE, THIRD_CODE)
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(18, 9))
    second.refresh_from_db()
    assert second.finished_at == at(18, 9) and second.verdict == "on_time"
    stored = _reload(dossier)
    assert fold_parts(stored.events.order_by("seq")) == current_parts(stored)
    # A damaged parts table is restored from the events.
    DossierAgencyPart.objects.filter(dossier=dossier).update(verdict="early")
    rebuild_projection(stored, save=True)
    assert [p["verdict"] for p in current_parts(stored)] == ["late", "on_time"]


def test_os_proc_04_untimed_part_and_invalid_allotment(world):
    dossier = to_processing(world, counter_dossier(world))
    with pytest.raises(ValidationFailed) as invalid:
        _hand_over(world, dossier, allotment="-1")
    assert [f.field for f in invalid.value.fields] == ["allotment"]
    _hand_over(world, dossier)
    part = DossierAgencyPart.objects.get(dossier=dossier)
    assert part.due_at is None
    _hand_over(world, dossier, UNIT_CODE, user=world.outsider, now=at(16))
    part.refresh_from_db()
    assert part.finished_at == at(16) and part.verdict == ""


def test_os_xfer_03_a_unit_recipient_is_generic_forwarding_without_a_part(world):
    dossier = to_processing(world, counter_dossier(world))
    event = _hand_over(world, dossier, "phong-tu-phap")
    assert "handover" not in event.payload and not DossierAgencyPart.objects.exists()


def test_os_proc_05_process_waits_while_another_agency_holds_the_dossier(world):
    ps.import_process(three_step_doc(world.version.procedure.procedure_code), publish=True)
    dossier = to_processing(world, counter_dossier(world))
    assert dossier.current_step == "tham_dinh"
    _hand_over(world, dossier, allotment="1")
    # The other agency moves with the generic table; the pinned step stays where it was.
    perform_action(dossier, "complete_step", world.outsider, {"step": "y-kien"}, now=at(15, 11))
    assert dossier.current_step == "tham_dinh"
    _hand_over(world, dossier, UNIT_CODE, user=world.outsider, now=at(15, 14))
    assert (dossier.current_step, dossier.substate) == ("tham_dinh", "appraising")
    perform_action(dossier, "complete_step", world.handler, {"transition": "propose", "comment": "Đủ"}, now=at(15, 15))
    assert dossier.current_step == "ky_duyet"
    stored = _reload(dossier)
    assert rebuild_projection(stored) == current(stored)


def test_os_form_06_public_tracking_and_event_list_show_one_code_throughout(client, world):
    dossier = to_processing(world, counter_dossier(world))
    code = dossier.code
    seen = [client.get(f"/api/v1/public/dossiers/{code}").json()["code"]]
    _hand_over(world, dossier, allotment="2", comment="Phiếu chuyển")
    seen.append(client.get(f"/api/v1/public/dossiers/{code}").json()["code"])
    # The receiving agency reads the same dossier and its whole history under the same code.
    assert client.login(username=world.outsider.username, password=PASSWORD)
    detail = client.get(f"/api/v1/dossiers/{code}").json()
    assert detail["code"] == code and detail["parts"][0]["agency"]["code"] == OTHER_CODE
    events = client.get(f"/api/v1/dossiers/{code}/events").json()
    assert [e["action"] for e in events["items"]] == ["submit", "accept", "transfer", "assign", "transfer"]
    hops = [e["payload"]["handover"] for e in events["items"] if "handover" in e["payload"]]
    assert [(h["giver"], h["receiver"]) for h in hops] == [(UNIT_CODE, OTHER_CODE)]
    _hand_over(world, dossier, UNIT_CODE, user=world.outsider, now=at(16))
    seen.append(client.get(f"/api/v1/public/dossiers/{code}").json()["code"])
    assert client.get(f"/api/v1/dossiers/{code}").status_code == 403  # the part is closed
    assert seen == [code, code, code] and Dossier.objects.count() == 1
    parts = _detail_parts(world, client, code)
    assert parts[0]["verdict"] == "early" and parts[0]["finished_at"] is not None


def _detail_parts(world, client, code):
    client.logout()
    assert client.login(username=world.leader.username, password=PASSWORD)
    return client.get(f"/api/v1/dossiers/{code}").json()["parts"]


def test_os_xfer_03_receiving_agency_official_without_processor_role_cannot_hand_back(world):
    clerk = make_official("vanthu.khac", world.other, ["clerk"])
    dossier = to_processing(world, counter_dossier(world))
    _hand_over(world, dossier)
    with pytest.raises(Conflict) as refused:
        _hand_over(world, dossier, UNIT_CODE, user=clerk, now=at(16))
    assert refused.value.code == "illegal_transition" and refused.value.status == 409


def test_os_proc_04_the_agency_holding_an_open_part_lists_the_dossier_until_it_hands_it_back(world):
    from motcua.dossiers.queries import DossierFilters, list_dossiers

    dossier = to_processing(world, counter_dossier(world))

    def listed():
        return [d.code for d in list_dossiers(world.outsider, DossierFilters(), limit=10)[0]]

    assert listed() == []
    _hand_over(world, dossier, allotment="2")
    assert listed() == [dossier.code]
    _hand_over(world, dossier, UNIT_CODE, user=world.outsider, now=at(16, 10))
    assert listed() == []

"""Form data built from real dossiers through the services (OS-FORM-01, -03..-08, -10, OS-CODE-03).

No PDF here (test_forms_api.py renders them): these check what each builder reads from the dossier,
its components, its procedure version, its agencies and its events.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from motcua.core.errors import NotFound
from motcua.dossiers import form_data
from motcua.dossiers.forms import DocumentForm, Regime, Timeliness
from motcua.dossiers.services import perform_action, receive_dossier
from tests.dossiers.builders import HCM, MONDAY, UNIT_CODE, at, both_components, citizen, counter_dossier

pytestmark = pytest.mark.django_db

SUPPLEMENT_ITEM = "Giấy chứng sinh bản sao có chứng thực"
SUPPLEMENT_REASON = "Bản chụp giấy chứng sinh bị mờ"
DELAY_REASON = "Cần xác minh thông tin với cơ quan công an"


def lifecycle(world):
    """Accept (Mon 14/7 09:00, due Thu 17/7 17:00), transfer, assign, supplement, resupply (due restarts
    to Mon 21/7 17:00), apologize (new due Wed 23/7 17:00), resolve late on 22/7, return the result."""
    dossier = counter_dossier(world)
    perform_action(dossier, "transfer", world.intake, {"recipient": UNIT_CODE}, now=at(14, 10))
    perform_action(dossier, "assign", world.leader, {"assignee": "chuyenvien.b"}, now=at(14, 11))
    supplement = {"items": [SUPPLEMENT_ITEM], "reason": SUPPLEMENT_REASON}
    perform_action(dossier, "request_supplement", world.handler, supplement, now=at(15, 10))
    perform_action(dossier, "resupply", world.intake, {"items": [SUPPLEMENT_ITEM]}, now=at(16, 9))
    apology = {"reason": DELAY_REASON, "new_due_at": at(23, 17).isoformat()}
    perform_action(dossier, "apologize", world.leader, apology, now=at(18, 9))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(22, 10))
    returned = {"return_method": "counter", "collector": "Trần Văn Nam"}
    perform_action(dossier, "return_result", world.intake, returned, now=at(22, 11))
    return dossier


def refused(world, reason: str = "Hồ sơ không thuộc thẩm quyền giải quyết", now=MONDAY):
    dossier = counter_dossier(world, accept=False, now=now)
    perform_action(dossier, "not_accept", world.intake, {"reason": reason}, now=now)
    return dossier


def test_os_form_03_receipt_from_the_accept_event(world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PUBLIC_BASE_URL": "https://dichvucong.thanhhoa.gov.vn/"}
    dossier = counter_dossier(world)
    data = form_data.receipt_data(dossier)
    assert data.dossier_code == dossier.code and data.applicant.name == "Trần Thị Bích Ngọc"
    assert data.applicant.phone == "0912345678" and data.applicant.email == "ngoc@example.vn"
    assert data.matter == "Đăng ký khai sinh"
    assert [c.name for c in data.components] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert [c.originals for c in data.components] == [1, 1]
    assert data.time_limit == "03 ngày làm việc" and data.sets == 1
    assert data.received_at == MONDAY and data.due_at == at(17, 17)
    assert data.officer_name == "Cán bộ motcua.a" and data.copy == 2
    assert (data.register_book, data.register_entry) == ("2025", "01")
    assert "Ủy ban nhân dân phường Hạc Thành" in data.return_place
    # OS-CODE-03: the QR code carries the public tracking address (portal page later).
    assert data.tracking_url == f"https://dichvucong.thanhhoa.gov.vn/tra-cuu/{dossier.code}/"
    assert data.header.issuing_unit == "BỘ PHẬN MỘT CỬA"
    assert data.header.governing_body == "ỦY BAN NHÂN DÂN PHƯỜNG HẠC THÀNH"
    assert form_data.receipt_data(dossier, copy=1).copy == 1


def test_os_code_03_default_tracking_base(world):
    assert form_data.tracking_url("X-1") == "http://127.0.0.1:8000/tra-cuu/X-1/"


def test_os_form_08_register_entry_counts_the_units_dossiers_of_the_year(world):
    last_year = counter_dossier(world, now=datetime(2024, 12, 31, 9, tzinfo=HCM))
    dossiers = [counter_dossier(world, now=at(14, 8 + i)) for i in range(3)]
    receive_dossier(
        procedure_code=world.version.procedure.procedure_code,
        channel="counter",
        receiving_unit=world.other,
        applicant=citizen(),
        components=both_components(),
        user=world.outsider,
        accept=True,
        now=at(14, 7),
    )
    assert [form_data.register_entry(d) for d in dossiers] == [(2025, 1), (2025, 2), (2025, 3)]
    assert form_data.register_entry(last_year) == (2024, 1)
    assert form_data.receipt_data(dossiers[2]).register_entry == "03"


def test_os_form_04_supplement_request_from_the_latest_request(world):
    dossier = lifecycle(world)
    data = form_data.supplement_request_data(dossier)
    assert [(i.name, i.quantity, i.form) for i in data.items] == [(SUPPLEMENT_ITEM, 1, DocumentForm.CERTIFIED_COPY)]
    assert data.reason == SUPPLEMENT_REASON and data.officer_name == "Cán bộ chuyenvien.b"
    assert data.contact_name == "Cán bộ chuyenvien.b" and data.dossier_code == dossier.code
    assert data.header.date == at(15).date()


def test_supplement_items_read_names_or_mappings():
    assert form_data.supplement_item("Bản photo sổ hộ khẩu").form == DocumentForm.PHOTOCOPY
    assert form_data.supplement_item("Tờ khai").form == DocumentForm.ORIGINAL
    item = form_data.supplement_item({"name": "CCCD", "quantity": 2, "form": "certified_copy"})
    assert (item.name, item.quantity, item.form) == ("CCCD", 2, DocumentForm.CERTIFIED_COPY)


def test_os_form_04_refusal_from_the_not_accept_reason(world):
    dossier = refused(world, "Hồ sơ không thuộc thẩm quyền giải quyết\nThiếu tờ khai có chữ ký")
    data = form_data.refusal_data(dossier)
    assert data.reasons == ("Hồ sơ không thuộc thẩm quyền giải quyết", "Thiếu tờ khai có chữ ký")
    assert data.officer_name == "Cán bộ motcua.a" and data.applicant.name == "Trần Thị Bích Ngọc"


def test_os_form_05_apology_original_and_new_due(world):
    dossier = lifecycle(world)
    data = form_data.apology_data(dossier)
    assert data.due_at == at(21, 17)  # the due time in force before the apology (restarted by resupply)
    assert data.new_due_at == at(23, 17) and data.delay_reason == DELAY_REASON
    assert data.received_at == MONDAY and data.signer_name == "Cán bộ lanhdao.c"
    assert data.signer_title == "THỦ TRƯỞNG CƠ QUAN"


def test_os_form_06_control_slip_one_row_per_hand_over(world):
    dossier = lifecycle(world)
    data = form_data.control_slip_data(dossier)
    hand_overs = dossier.events.filter(action__in=form_data.HANDOVER_ACTIONS).count()
    assert len(data.handovers) == hand_overs == 4  # transfer, assign, resolve, return
    rows = [(h.giver, h.receiver, h.handed_over_at, h.result) for h in data.handovers]
    assert rows == [
        ("Cán bộ motcua.a", "Ủy ban nhân dân phường Hạc Thành", at(14, 10), Timeliness.ON_TIME),  # OS-XFER-02
        ("Cán bộ lanhdao.c", "Cán bộ chuyenvien.b", at(14, 11), None),
        ("Cán bộ lanhdao.c", "Bộ phận Một cửa, Ủy ban nhân dân phường Hạc Thành", at(22, 10), Timeliness.LATE),
        ("Cán bộ motcua.a", "Trần Văn Nam", at(22, 11), None),
    ]
    assert data.handovers[0].note == "Chuyển xử lý, liên thông"
    assert data.lead_agency == "Ủy ban nhân dân phường Hạc Thành" and data.coordinating_agencies == ()
    assert data.received_at == MONDAY and data.due_at == at(23, 17)


def _event(seq, action, when, inputs=None, from_state="in_process", to_state="in_process"):
    payload = {"inputs": inputs or {}, "set": {}}
    return SimpleNamespace(
        seq=seq,
        action=action,
        occurred_at=when,
        actor_name="Chuyên viên A",
        from_state=from_state,
        to_state=to_state,
        to_substate="appraising",
        payload=payload,
    )


def test_os_form_06_step_hops_judged_against_their_own_due_when_known(world):
    dossier = counter_dossier(world)
    events = [
        _event(1, "start_step", at(15, 9), {"step": "Thẩm định", "due_at": at(16, 17).isoformat()}),
        _event(2, "complete_step", at(16, 17, 30), {"step": "Thẩm định", "due_at": at(16, 17).isoformat()}),
        _event(3, "send_back", at(17), {"step": "Thẩm định", "comment": "Bổ sung ý kiến"}),
        _event(4, "request_supplement", at(17, 10), {"items": ["x"], "reason": "y"}),
    ]
    rows = form_data.handovers(dossier, events)
    assert [(r.receiver, r.result) for r in rows] == [
        ("Thẩm định", Timeliness.EARLY),
        ("Thẩm định", Timeliness.LATE),
        ("Thẩm định", None),
    ]
    assert rows[2].note == "Trả lại bước trước; Thẩm định; Bổ sung ý kiến"


@pytest.mark.parametrize("key", ["supplement_request", "refusal", "apology"])
def test_os_form_10_form_not_issued_is_not_available(world, key):
    dossier = counter_dossier(world)
    with pytest.raises(NotFound) as missing:
        form_data.build_form(dossier, key)
    assert missing.value.code == "form_not_available" and missing.value.status == 404


def test_os_form_10_receipt_and_slip_need_an_accepted_dossier(world):
    dossier = refused(world)
    for key in ("receipt", "control_slip"):
        with pytest.raises(NotFound):
            form_data.build_form(dossier, key)


@pytest.mark.parametrize(
    ("regime", "wanted", "expected"),
    [
        (Regime.ND61_2018, "01", ("receipt", "01")),
        (Regime.ND61_2018, "5", ("control_slip", "05")),
        (Regime.ND61_2018, "apology", ("apology", "04")),
        (Regime.ND118_2025, "06", ("control_slip", "06")),
        (Regime.ND118_2025, "control_slip", ("control_slip", "06")),
    ],
)
def test_os_form_10_numbers_follow_the_regime(regime, wanted, expected):
    assert form_data.resolve_form(regime, wanted) == expected


@pytest.mark.parametrize(
    ("regime", "wanted"),
    [
        (Regime.ND61_2018, "06"),  # the register is per unit and year, not per dossier
        (Regime.ND61_2018, "register"),
        (Regime.ND61_2018, "09"),
        (Regime.ND61_2018, "stop_notice"),
    ],
)
def test_os_form_10_other_numbers_are_not_dossier_forms(regime, wanted):
    with pytest.raises(NotFound) as missing:
        form_data.resolve_form(regime, wanted)
    assert missing.value.code == "form_not_available"


def test_os_form_07_register_rows_of_the_unit_and_year(world):
    counter_dossier(world, now=datetime(2024, 12, 31, 9, tzinfo=HCM))
    first = lifecycle(world)
    others = [counter_dossier(world, now=at(15, 8 + i)) for i in range(2)]
    last = refused(world, now=at(16, 9))
    data = form_data.register_data(world.unit, 2025, regime="nd61_2018")
    assert data.year == 2025 and data.book_no == "2025" and data.header.regime == Regime.ND61_2018
    assert [row.no for row in data.rows] == [1, 2, 3, 4]
    assert [row.dossier_code for row in data.rows] == [first.code, others[0].code, others[1].code, last.code]
    row = data.rows[0]
    assert row.procedure == "Đăng ký khai sinh" and row.agency == "Ủy ban nhân dân phường Hạc Thành"
    assert row.contact == "0912345678; ngoc@example.vn; 12 Lê Lợi, phường Hạc Thành, Thanh Hóa"
    assert (row.received_at, row.transferred_at) == (MONDAY, at(14, 10))
    assert (row.result_received_at, row.returned_at) == (at(22, 10), at(22, 11))
    assert row.note == "Hẹn lại: 17:00 23/07/2025"
    assert data.rows[-1].note == "Từ chối tiếp nhận" and data.rows[-1].due_at is None

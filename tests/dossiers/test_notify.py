"""Applicant notifications written to the outbox with the dossier event, in its transaction
(OS-INTAKE-03, OS-INTAKE-06, OS-SUPP-01, OS-LATE-03, OS-RET-01; DESIGN rule 6)."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from motcua.dossiers import notify
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import perform_action
from motcua.notifications.models import OutboxMessage
from tests.dossiers.builders import UNIT_CODE, at, citizen, counter_dossier, to_processing

pytestmark = pytest.mark.django_db

EMAIL, PHONE, NAME = "ngoc@example.vn", "0912345678", "Trần Thị Bích Ngọc"


def _messages(dossier, template_key=None):
    found = OutboxMessage.objects.filter(related_type="dossiers.dossier", related_id=dossier.code)
    if template_key is not None:
        found = found.filter(template_key=template_key)
    return list(found.order_by("channel"))


def _seq(dossier, action):
    return dossier.events.get(action=action).seq


def test_os_intake_06_accepting_at_the_counter_sends_the_receipt_by_email_and_sms(world):
    dossier = counter_dossier(world)
    messages = _messages(dossier)
    assert [(m.channel, m.template_key, m.recipient) for m in messages] == [
        ("email", "dossier_received", EMAIL),
        ("fake_sms", "dossier_received", PHONE),
    ]
    seq = _seq(dossier, "accept")
    assert {m.idempotency_key for m in messages} == {
        f"dossier:{dossier.code}:{seq}:email",
        f"dossier:{dossier.code}:{seq}:fake_sms",
    }
    email = messages[0]
    assert email.subject == f"Đã tiếp nhận hồ sơ {dossier.code}"
    # The appointment is the due time set by the accept event (Thu 17/7/2025, end of office).
    assert "Hẹn trả kết quả: 17:00 17/07/2025" in email.body
    assert "Thủ tục: Đăng ký khai sinh" in email.body
    assert f"http://127.0.0.1:8000/tra-cuu/{dossier.code}/" in email.body
    assert email.context["dossier_code"] == dossier.code and email.status == "pending"


def test_channels_follow_the_contact_details_and_settings(world, settings):
    only_email = counter_dossier(world, applicant=citizen(phone=""))
    assert [m.channel for m in _messages(only_email)] == ["email"]
    settings.MOTCUA = {**settings.MOTCUA, "SMS_CHANNEL": "sms_http", "PUBLIC_BASE_URL": "https://dvc.example.vn/"}
    only_phone = counter_dossier(world, applicant=citizen(email=""))
    [sms] = _messages(only_phone)
    assert sms.channel == "sms_http" and sms.recipient == PHONE
    assert f"https://dvc.example.vn/tra-cuu/{only_phone.code}/" in sms.body
    neither = counter_dossier(world, applicant=citizen(email="", phone=""))
    assert _messages(neither) == []


def test_os_intake_06_online_filing_gets_an_acknowledgement_with_the_receipt_time_not_a_receipt(world):
    dossier = counter_dossier(world, accept=False, channel="online", user=None)
    assert dossier.status == "submitted"
    messages = _messages(dossier)
    assert [(m.channel, m.template_key) for m in messages] == [
        ("email", "dossier_submitted"),
        ("fake_sms", "dossier_submitted"),
    ]
    email = messages[0]
    assert email.subject == f"Đã nhận hồ sơ trực tuyến {dossier.code}"
    assert "Thời điểm nộp: 09:00 14/07/2025" in email.body
    assert "Thời điểm tiếp nhận trên hệ thống: 09:00 14/07/2025" in email.body
    assert "Hẹn trả kết quả" not in email.body  # no appointment before an officer accepts it


def test_counter_filing_sends_no_acknowledgement_only_the_receipt(world):
    dossier = counter_dossier(world)
    assert {m.template_key for m in _messages(dossier)} == {"dossier_received"}


def test_os_stop_03_refusal_at_intake_tells_the_applicant_why(world):
    dossier = counter_dossier(world, accept=False)
    perform_action(dossier, "not_accept", world.intake, {"reason": "Không thuộc thẩm quyền giải quyết"}, now=at(14, 10))
    [email, _sms] = _messages(dossier, "dossier_not_accepted")
    assert email.subject == f"Hồ sơ {dossier.code} không được tiếp nhận"
    assert "Lý do: Không thuộc thẩm quyền giải quyết" in email.body


def test_os_stop_02_stopping_tells_the_applicant_why(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "stop", world.leader, {"reason": "Theo đề nghị của cơ quan điều tra"}, now=at(15))
    [email, _sms] = _messages(dossier, "dossier_stopped")
    assert "Lý do: Theo đề nghị của cơ quan điều tra" in email.body


def test_os_intake_03_supplement_request_at_intake_sends_the_one_time_guidance(world):
    dossier = counter_dossier(world, accept=False)
    perform_action(
        dossier,
        "request_supplement",
        world.intake,
        {"items": ["Giấy chứng sinh (bản chính, 01 bản)"], "reason": "Giấy chứng sinh bị mờ"},
        now=at(14, 10),
    )
    [email, sms] = _messages(dossier, "supplement_requested")
    assert (email.channel, sms.channel) == ("email", "fake_sms")
    assert "Nội dung cần bổ sung: Giấy chứng sinh bị mờ" in email.body
    assert "- Giấy chứng sinh (bản chính, 01 bản)" in email.body


def test_os_supp_01_supplement_request_during_processing_notifies_the_applicant(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(
        dossier, "request_supplement", world.handler, {"items": ["Tờ khai"], "reason": "Sai tên"}, now=at(15)
    )
    messages = _messages(dossier, "supplement_requested")
    seq = _seq(dossier, "request_supplement")
    assert sorted(m.idempotency_key for m in messages) == [
        f"dossier:{dossier.code}:{seq}:email",
        f"dossier:{dossier.code}:{seq}:fake_sms",
    ]


def test_os_late_03_apology_gives_the_new_due_date_and_reason(world):
    dossier = to_processing(world, counter_dossier(world))
    new_due = at(22, 17)
    perform_action(
        dossier,
        "apologize",
        world.leader,
        {"reason": "Cần xác minh thêm", "new_due_at": new_due.isoformat()},
        now=at(16),
    )
    [email, sms] = _messages(dossier, "apology")
    assert email.subject == f"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {dossier.code}"
    assert "Thời gian hẹn trả kết quả mới: 17:00 22/07/2025" in email.body
    assert "Lý do: Cần xác minh thêm" in email.body
    assert "Ủy ban nhân dân phường Hạc Thành xin lỗi" in sms.body


def test_os_ret_01_resolving_tells_the_applicant_the_result_is_ready(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    [email, _sms] = _messages(dossier, "result_ready")
    assert email.subject == f"Đã có kết quả hồ sơ {dossier.code}"
    assert "Nơi nhận kết quả: Ủy ban nhân dân phường Hạc Thành" in email.body


def test_internal_actions_send_nothing_to_the_applicant(world):
    dossier = counter_dossier(world)
    before = len(_messages(dossier))
    to_processing(world, dossier)
    perform_action(dossier, "start_step", world.handler, {"step": "tham-dinh", "substate": "appraising"}, now=at(15))
    assert len(_messages(dossier)) == before == 2


def test_rolled_back_action_leaves_no_message(world):
    dossier = to_processing(world, counter_dossier(world))
    with pytest.raises(RuntimeError), transaction.atomic():
        perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
        assert len(_messages(dossier, "result_ready")) == 2  # written in the action's transaction
        raise RuntimeError("the surrounding transaction fails")
    assert _messages(dossier, "result_ready") == []
    assert not DossierEvent.objects.filter(dossier=dossier, action="resolve").exists()


def test_failed_projection_rolls_back_the_event_and_its_messages(world, monkeypatch):
    dossier = to_processing(world, counter_dossier(world))

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("motcua.core.audit.record", broken_audit)
    with pytest.raises(RuntimeError):
        perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    assert _messages(dossier, "result_ready") == []


def test_delivery_is_scheduled_only_after_commit(world, django_capture_on_commit_callbacks):
    dossier = to_processing(world, counter_dossier(world))
    with django_capture_on_commit_callbacks() as callbacks:
        perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
        assert len(_messages(dossier, "result_ready")) == 2
    assert len(callbacks) >= 2


def test_replaying_an_event_does_not_duplicate_its_messages(world):
    dossier = counter_dossier(world)
    event = dossier.events.get(action="accept")
    again = notify.notify_applicant(event)
    assert sorted(m.pk for m in again) == sorted(m.pk for m in _messages(dossier))
    assert len(_messages(dossier)) == 2


def test_muted_block_sends_nothing(world):
    with notify.muted():
        dossier = counter_dossier(world)
    assert _messages(dossier) == []
    to_processing(world, dossier)
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    assert len(_messages(dossier, "result_ready")) == 2


def test_unregistered_sms_channel_is_skipped_without_undoing_the_action(world, settings, caplog):
    settings.MOTCUA = {**settings.MOTCUA, "SMS_CHANNEL": "khong-ton-tai"}
    with caplog.at_level(logging.WARNING, logger="motcua.dossiers"):
        dossier = counter_dossier(world)
    assert dossier.status == "accepted"
    assert [m.channel for m in _messages(dossier)] == ["email"]
    assert any(r.getMessage() == "dossier.notification_skipped" for r in caplog.records)


def test_gen_04_logs_carry_no_personal_data(world, caplog):
    with caplog.at_level(logging.DEBUG):
        dossier = counter_dossier(world)
        to_processing(world, dossier)
        perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 10))
    assert _messages(dossier)
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert EMAIL not in text and PHONE not in text and NAME not in text


def test_code_of_the_receiving_unit_is_in_the_related_id(world):
    dossier = counter_dossier(world)
    assert all(m.related_id.startswith(UNIT_CODE) for m in _messages(dossier))

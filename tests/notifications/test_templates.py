"""Notification texts for the dossier flow (OS-LATE-03 apology and new due date; GEN-06 display
time zone)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import ValidationFailed
from motcua.notifications import services
from motcua.notifications.templating import TEMPLATES, format_datetime, render_notification

DUE = dt.datetime(2025, 3, 1, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội
CONTEXT = {
    "dossier_code": "000.00.01.H01-250301-0001",
    "procedure_name": "Đăng ký khai sinh",
    "appointment_at": DUE,
    "new_due_at": DUE,
    "due_at": DUE,
    "reason": "Thiếu bản sao <giấy chứng sinh> & CCCD",
    "tracking_url": "https://dichvucong.example.vn/tra-cuu?ma=000.00.01.H01-250301-0001",
}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_dossier_flow_template_renders(key):
    subject, body = render_notification(key, CONTEXT)
    assert "000.00.01.H01-250301-0001" in subject
    assert "\n" not in subject
    assert "Đăng ký khai sinh" in body and CONTEXT["tracking_url"] in body
    assert "{{" not in body and "{%" not in body


@pytest.mark.parametrize("key", ["dossier_received", "apology", "deadline_due_soon", "deadline_overdue"])
def test_gen_06_due_times_are_shown_in_ho_chi_minh_time(key):
    _, body = render_notification(key, CONTEXT)
    assert "09:30 01/03/2025" in body


def test_os_late_03_apology_gives_the_new_due_date_and_reason():
    subject, body = render_notification("apology", {**CONTEXT, "applicant_name": "Trần Thị B"})
    assert subject.startswith("Thư xin lỗi")
    assert "Kính gửi Trần Thị B," in body and "Thời gian hẹn trả kết quả mới: 09:30 01/03/2025" in body


def test_text_is_not_html_escaped():
    _, body = render_notification("supplement_requested", CONTEXT)
    assert "<giấy chứng sinh> & CCCD" in body


def test_missing_placeholder_and_unknown_key_are_refused():
    with pytest.raises(ValidationFailed) as info:
        render_notification("dossier_received", {"dossier_code": "X"})
    assert {f.field for f in info.value.fields} == {"procedure_name", "appointment_at", "tracking_url"}
    with pytest.raises(ValidationFailed) as info:
        render_notification("../../settings", CONTEXT)
    assert info.value.code == "unknown_template"


def test_other_language_falls_back_to_vietnamese():
    assert render_notification("result_ready", CONTEXT, language="en") == render_notification("result_ready", CONTEXT)


def test_format_datetime():
    assert format_datetime(dt.datetime(2025, 12, 31, 17, 5, tzinfo=dt.UTC)) == "00:05 01/01/2026"


@pytest.mark.django_db
def test_enqueue_template_stores_the_rendered_text_and_context():
    message = services.enqueue_template(
        "fake_sms", "0912345678", "result_ready", CONTEXT, idempotency_key="tpl-1", related=("dossier", "X")
    )
    assert message.template_key == "result_ready"
    assert message.subject.startswith("Đã có kết quả hồ sơ")
    assert message.context["dossier_code"] == CONTEXT["dossier_code"]

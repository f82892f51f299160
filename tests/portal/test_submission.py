"""Online submission: e-form as data with Vietnamese messages, attachments checked by content,
drafts, review, idempotent submit, receipt on screen and by e-mail (OS-INTAKE-03/06, PTL-SUB-03/04)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from motcua.notifications.models import OutboxMessage
from motcua.portal import eforms
from motcua.portal.models import Draft, EForm, Submission
from tests.portal.builders import BIRTH_FORM, PDF, PNG

pytestmark = pytest.mark.django_db


def _start(client, user) -> int:
    client.force_login(user)
    response = client.post("/thu-tuc/1.001193/nop/")
    assert response.status_code == 302
    return int(re.search(r"/nop-ho-so/(\d+)/", response["Location"]).group(1))


def _files():
    return {
        "doc_0": SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
        "doc_1": SimpleUploadedFile("chung-sinh.png", PNG, content_type="image/png"),
    }


def _applicant(**overrides):
    values = {
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": "038190001234",
        "applicant_phone": "0912345678",
        "applicant_email": "ngoc@example.vn",
        "applicant_address": "12 Lê Lợi, phường Hạc Thành",
        "agency": "000.00.01.H56",
    }
    values.update(overrides)
    return values


def test_ptl_sub_03_form_is_prefilled_from_the_profile(client, portal_world, citizen_user):
    pk = _start(client, citizen_user)
    body = client.get(f"/nop-ho-so/{pk}/").content.decode()
    assert 'value="038190001234"' in body
    assert 'value="Trần Thị Bích Ngọc"' in body
    assert "Họ, chữ đệm, tên của trẻ" in body  # the built-in e-form of 1.001193


def test_ptl_sub_04_eform_errors_are_vietnamese_per_field():
    definition = eforms.definition_for("1.001193")
    data = eforms.coerce(definition, {"child_name": "A", "child_birth_date": "2025-13-45", "child_sex": "x"})
    errors = {e.field: str(e.message) for e in eforms.validate(definition, data)}
    assert errors["form.child_name"] == "“Họ, chữ đệm, tên của trẻ” cần ít nhất 2 ký tự."
    assert "ngày hợp lệ" in errors["form.child_birth_date"]
    assert "chọn một giá trị hợp lệ" in errors["form.child_sex"]
    assert errors["form.mother_name"] == "Vui lòng nhập “Họ, chữ đệm, tên người mẹ”."
    integer = eforms.definition_for("1.004873")
    bad = eforms.validate(
        integer, eforms.coerce(integer, {"marital_status": "single", "purpose": "Kết hôn", "copies": "ba"})
    )
    assert [e.field for e in bad] == ["form.copies"]


def test_ptl_sub_04_a_stored_eform_overrides_the_built_in(db):
    EForm.objects.create(
        procedure_code="1.001193",
        title="Tờ khai riêng",
        schema={"type": "object", "required": ["x"], "properties": {"x": {"type": "string", "title": "Ô X"}}},
    )
    definition = eforms.definition_for("1.001193")
    assert definition.title == "Tờ khai riêng"
    assert [e.message for e in eforms.validate(definition, {})] == ["Vui lòng nhập “Ô X”."]


def test_draft_is_saved_and_resumed_then_review_lists_what_is_missing(client, portal_world, citizen_user):
    pk = _start(client, citizen_user)
    response = client.post(f"/nop-ho-so/{pk}/", {**_applicant(), "form_child_name": "Lê Minh An", "next": "draft"})
    assert response.status_code == 302
    resumed = client.get(f"/nop-ho-so/{pk}/").content.decode()
    assert 'value="Lê Minh An"' in resumed
    review = client.get(f"/nop-ho-so/{pk}/xem-lai/")
    body = review.content.decode()
    assert review.status_code == 422
    assert "Vui lòng nhập “Họ, chữ đệm, tên người mẹ”." in body
    assert "Chưa đính kèm: Giấy chứng sinh." in body


def test_attachments_are_checked_by_content(client, portal_world, citizen_user):
    pk = _start(client, citizen_user)
    fake = SimpleUploadedFile("chung-sinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/nop-ho-so/{pk}/", {**_applicant(), "doc_1": fake, "next": "draft"})
    assert response.status_code == 422
    assert "không phải là tệp PDF" in response.content.decode()
    assert not Draft.objects.get(pk=pk).files.exists()


def test_os_intake_03_submit_twice_creates_one_dossier_and_sends_the_receipt(client, portal_world, citizen_user):
    pk = _start(client, citizen_user)
    response = client.post(f"/nop-ho-so/{pk}/", {**_applicant(), **BIRTH_FORM, **_files(), "next": "review"})
    assert response.status_code == 302 and response["Location"].endswith("/xem-lai/")
    review = client.get(f"/nop-ho-so/{pk}/xem-lai/")
    assert review.status_code == 200
    assert "Bệnh viện Đa khoa tỉnh Thanh Hóa" in review.content.decode()
    key = Draft.objects.get(pk=pk).idempotency_key
    first = client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": key})
    second = client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert dossier.channel == "online" and dossier.status == "submitted"
    # The declaration PDF (made from the answers) stands for GT01; the birth certificate is GT02.
    assert sorted(dossier.components.values_list("required_document__code", flat=True)) == ["GT01", "GT02"]
    assert Submission.objects.get(dossier=dossier).form_data["child_name"] == "Lê Minh An"
    page = client.get(first["Location"]).content.decode()
    assert dossier.code in page and "Giấy tiếp nhận hồ sơ" in page and "<svg" in page
    # The acknowledgement e-mail (receipt time, tracking link) is queued once, in the outbox.
    emails = OutboxMessage.objects.filter(channel="email", template_key="dossier_submitted")
    assert [m.recipient for m in emails] == ["ngoc@example.vn"]
    assert f"/tra-cuu/{dossier.code}/" in emails[0].body


def test_submit_with_a_foreign_key_is_refused(client, portal_world, citizen_user):
    pk = _start(client, citizen_user)
    client.post(f"/nop-ho-so/{pk}/", {**_applicant(), **BIRTH_FORM, **_files(), "next": "review"})
    response = client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": "portal-someone-else"})
    assert response.status_code == 422
    assert not Dossier.objects.exists()


def test_another_citizen_cannot_open_the_draft_or_the_dossier(client, portal_world, citizen_user):
    from tests.portal.builders import make_citizen

    pk = _start(client, citizen_user)
    client.post(f"/nop-ho-so/{pk}/", {**_applicant(), **BIRTH_FORM, **_files(), "next": "review"})
    client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": Draft.objects.get(pk=pk).idempotency_key})
    code = Dossier.objects.get().code
    client.force_login(make_citizen("other@example.vn"))
    assert client.get(f"/nop-ho-so/{pk}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{code}/").status_code == 404


def test_pages_need_sign_in(client, portal_world):
    response = client.post("/thu-tuc/1.001193/nop/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/?next=")

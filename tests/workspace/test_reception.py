"""Counter reception (issue 4, item 2 and "Bad input"): accent-insensitive procedure search (GEN-06),
applicant reuse by ID number, uploads kept across failed submits, field-level Vietnamese errors,
one-step outcomes (form 01 / 02 / 03, OS-INTAKE-02) and an idempotent submit."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from motcua.workspace.models import DraftFile, ReceptionDraft
from tests.dossiers.builders import PDF, PNG, counter_dossier


def _key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def _form(world, key, **overrides):
    data = {
        "key": key,
        "unit": world.unit.code,
        "procedure": world.version.procedure.procedure_code,
        "applicant_type": "citizen",
        "applicant_name": "Lê Văn Minh",
        "applicant_id_number": "038090004321",
        "applicant_address": "5 Trần Phú",
        "applicant_phone": "0987654321",
        "originals_0": "1",
        "copies_0": "0",
        "originals_1": "1",
        "copies_1": "1",
        "outcome": "accept",
        "file_0": SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
        "file_1": SimpleUploadedFile("giay-chung-sinh.png", PNG, content_type="image/png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_procedure_search_ignores_accents(world, sign_in):
    client = sign_in("motcua.a")
    body = client.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in body and world.version.procedure.procedure_code in body
    assert "Không tìm thấy" in client.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "xay dung cau"}).content.decode()


def test_checklist_lists_the_required_documents(world, sign_in):
    code = world.version.procedure.procedure_code
    body = sign_in("motcua.a").get("/can-bo/tiep-nhan/giay-to/", {"procedure": code}).content.decode()
    assert "Tờ khai đăng ký khai sinh" in body and "Giấy chứng sinh" in body and 'name="file_1"' in body


def test_applicant_lookup_reuses_what_is_known_in_the_officials_agencies_only(world, sign_in):
    counter_dossier(world)
    body = sign_in("motcua.a").get("/can-bo/tiep-nhan/cong-dan/", {"applicant_id_number": "038190001234"})
    text = body.content.decode()
    assert 'value="Trần Thị Bích Ngọc"' in text and 'value="0912345678"' in text
    other = sign_in("ngoai.d").get("/can-bo/tiep-nhan/cong-dan/", {"applicant_id_number": "038190001234"})
    assert "Trần Thị Bích Ngọc" not in other.content.decode()


def test_receive_and_print_the_receipt_in_one_step(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    response = client.post("/can-bo/tiep-nhan/", _form(world, key))
    assert response.status_code == 302
    dossier = Dossier.objects.get(idempotency_key=key)
    assert dossier.status == "accepted" and dossier.components.count() == 2
    assert dossier.components.get(filename="giay-chung-sinh.png").copies == 1
    page = client.get(response["Location"]).content.decode()
    assert f"/can-bo/ho-so/{dossier.code}/mau/receipt/" in page and "mẫu 01, A5" in page
    assert not ReceptionDraft.objects.filter(key=key).exists()


def test_errors_are_shown_per_field_typed_values_kept_and_uploads_never_lost(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, applicant_name="", applicant_id_number="123"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Chưa có tên chủ hồ sơ." in body
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in body
    assert 'value="5 Trần Phú"' in body and 'value="123"' in body
    assert "Đã lưu tệp: to-khai.pdf" in body and "Đã lưu tệp: giay-chung-sinh.png" in body
    assert DraftFile.objects.filter(draft__key=key).count() == 2
    assert not Dossier.objects.exists()
    # Corrected without sending the files again: the kept uploads are used.
    again = _form(world, key, file_0=None, file_1=None)
    assert client.post("/can-bo/tiep-nhan/", again).status_code == 302
    assert Dossier.objects.get(idempotency_key=key).components.count() == 2


def test_a_file_whose_content_is_not_its_type_is_named_beside_its_document(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    bad = SimpleUploadedFile("giay-chung-sinh.png", PDF, content_type="image/png")
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, file_1=bad))
    assert response.status_code == 422
    assert re.search(
        r'id="err-doc-1">Nội dung tệp “giay-chung-sinh.png” không phải là tệp PNG', response.content.decode()
    )


def test_missing_procedure_and_missing_documents_are_named(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    assert "Hãy chọn thủ tục hành chính." in client.post("/can-bo/tiep-nhan/", {"key": key}).content.decode()
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, file_1=None))
    assert "Thiếu thành phần hồ sơ: Giấy chứng sinh." in response.content.decode()


def test_double_submit_creates_one_dossier(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    first = client.post("/can-bo/tiep-nhan/", _form(world, key))
    second = client.post("/can-bo/tiep-nhan/", _form(world, key))
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
    assert "đã được tiếp nhận trước đó" in client.get(second["Location"]).content.decode()


def test_supplement_request_at_the_counter_needs_items_and_reason_before_anything_is_created(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, outcome="supplement"))
    assert response.status_code == 422
    assert 'id="err-items">Thiếu giá trị bắt buộc.' in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(
        "/can-bo/tiep-nhan/",
        _form(world, key, outcome="supplement", items="Bản sao có chứng thực giấy chứng sinh", reason="Bản sao mờ"),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(idempotency_key=key)
    assert dossier.status == "supplement_requested"
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau/supplement_request/").status_code == 200


def test_refusal_at_the_counter(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, outcome="refuse", reason="Không thuộc thẩm quyền"))
    assert response.status_code == 302
    assert Dossier.objects.get(idempotency_key=key).status == "not_accepted"


def test_another_officials_draft_cannot_be_used(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    client.post("/can-bo/tiep-nhan/", _form(world, key, applicant_name=""))
    from tests.dossiers.builders import make_official

    make_official("motcua.x", world.unit, ["intake_officer"])
    other = sign_in("motcua.x")
    assert other.post("/can-bo/tiep-nhan/", _form(world, key, file_0=None, file_1=None)).status_code == 403


def test_reception_is_for_intake_officers(world, sign_in):
    assert sign_in("chuyenvien.b").get("/can-bo/tiep-nhan/").status_code == 403


def test_abandoned_drafts_and_their_files_are_pruned(world, sign_in):
    from datetime import timedelta

    from django.utils import timezone

    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    client.post("/can-bo/tiep-nhan/", _form(world, key, applicant_name=""))
    stored = DraftFile.objects.filter(draft__key=key).first()
    path = stored.file.path
    ReceptionDraft.objects.filter(key=key).update(created_at=timezone.now() - timedelta(days=2))
    client.get("/can-bo/tiep-nhan/")
    assert not ReceptionDraft.objects.filter(key=key).exists()
    import os

    assert not os.path.exists(path)


def test_a_document_known_only_by_a_long_name_keeps_its_upload(db, settings, tmp_path):
    """Catalogue components often have no code, only a long name; the draft keys files by it (this
    failed on PostgreSQL with a 100-character column)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.workspace import reception
    from motcua.workspace.models import DraftFile, ReceptionDraft

    settings.MEDIA_ROOT = tmp_path
    user = get_user_model().objects.create_user("motcua.dai")
    draft = ReceptionDraft.objects.create(key="k" * 32, user=user)
    name = "Giấy chứng sinh; trường hợp không có giấy chứng sinh thì nộp văn bản của người làm chứng " * 4
    reception.keep_upload(draft, name, SimpleUploadedFile("cs.pdf", b"%PDF-1.4 first"))
    reception.keep_upload(draft, name, SimpleUploadedFile("cs2.pdf", b"%PDF-1.4 second"))
    [kept] = DraftFile.objects.filter(draft=draft)
    assert kept.document_code == name and kept.filename == "cs2.pdf"
    assert reception.kept_files(draft)[name].file.read() == b"%PDF-1.4 second"

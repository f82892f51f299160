"""The applicant's e-form answers reach the officials as a PDF component of the dossier (PTL-SUB-04,
OS-INTAKE-03): rendered at submission, Vietnamese text intact, matched to the e-form document."""

from __future__ import annotations

import subprocess

import pytest

from motcua.dossiers.models import DossierComponent
from motcua.portal import eform_record, eforms
from tests.portal.builders import file_online

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    """The PDF's text, by poppler's pdftotext (an independent reader)."""
    done = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_ptl_sub_04_submission_stores_the_declaration_pdf_as_the_form_component(client, portal_world, citizen_user):
    code = file_online(client, citizen_user)
    record = DossierComponent.objects.get(dossier__code=code, required_document__code="GT01")
    assert record.kind == "submitted" and record.content_type == "application/pdf"
    assert record.filename == eform_record.RECORD_FILENAME
    with record.file.open("rb") as handle:
        text = _text(handle.read())
    # The answers, the applicant and the agency, with their Vietnamese diacritics.
    for expected in ("Lê Minh An", "Bệnh viện Đa khoa tỉnh Thanh Hóa", "Trần Thị Bích Ngọc", "Nam", "Hạc Thành"):
        assert expected in text, expected
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text


def test_ptl_sub_04_the_form_document_needs_no_upload_and_is_not_offered(client, portal_world, citizen_user):
    client.force_login(citizen_user)
    location = client.post("/thu-tuc/1.001193/nop/")["Location"]
    body = client.get(location).content.decode()
    assert 'id="doc_0"' not in body and 'id="doc_1"' in body
    assert "không cần đính kèm tệp" in body


def test_generic_form_is_kept_beside_the_documents_it_does_not_replace(portal_world):
    definition = eforms.definition_for("9.999999")
    assert definition.generic
    upload = eform_record.record_upload(
        definition=definition,
        version=portal_world.version,
        applicant={"name": "Trần Thị Bích Ngọc", "id_number": "038190001234"},
        answers={"request": "Xin cấp bản sao trích lục"},
        agency="Ủy ban nhân dân phường Hạc Thành",
    )
    assert upload.document_code == "" and upload.name == "Đơn đề nghị"
    assert "Xin cấp bản sao trích lục" in _text(upload.content)


def test_ptl_sub_04_officials_see_and_preview_the_declaration(client, portal_world, citizen_user):
    from django.test import Client

    code = file_online(client, citizen_user)
    record = DossierComponent.objects.get(dossier__code=code, filename=eform_record.RECORD_FILENAME)
    from tests.organizations.factories import PASSWORD

    official = Client()
    signed = official.post("/can-bo/dang-nhap/", {"username": "motcua.a", "password": PASSWORD})
    assert signed.status_code == 302
    response = official.get(f"/can-bo/ho-so/{code}/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert f"/can-bo/ho-so/{code}/tep/{record.pk}/" in page
    preview = official.get(f"/can-bo/ho-so/{code}/tep/{record.pk}/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "Lê Minh An" in _text(b"".join(preview.streaming_content))


def test_ptl_sub_04_citizen_previews_the_declaration_and_the_submit_reuses_it(
    client, portal_world, citizen_user, monkeypatch
):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.portal.models import Draft
    from tests.portal.builders import BIRTH_FORM, PNG

    renders = []
    original = eform_record.render_record
    monkeypatch.setattr(eform_record, "render_record", lambda **kw: renders.append(1) or original(**kw))
    client.force_login(citizen_user)
    pk = int(re.search(r"/nop-ho-so/(\d+)/", client.post("/thu-tuc/1.001193/nop/")["Location"]).group(1))
    applicant = {
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": "038190001234",
        "applicant_phone": "0912345678",
        "agency": "000.00.01.H56",
    }
    files = {"doc_1": SimpleUploadedFile("chung-sinh.png", PNG, content_type="image/png")}
    client.post(f"/nop-ho-so/{pk}/", {**applicant, **BIRTH_FORM, **files, "next": "review"})
    review = client.get(f"/nop-ho-so/{pk}/xem-lai/").content.decode()
    assert f"/nop-ho-so/{pk}/to-khai.pdf" in review and len(renders) == 1
    preview = client.get(f"/nop-ho-so/{pk}/to-khai.pdf")
    assert preview["Content-Type"] == "application/pdf" and "Lê Minh An" in _text(preview.content)
    assert len(renders) == 1  # kept with the draft
    # A changed answer makes a new declaration; the submit then files that one without rendering again.
    client.post(f"/nop-ho-so/{pk}/", {**applicant, **BIRTH_FORM, "form_child_name": "Lê Minh Anh", "next": "review"})
    client.get(f"/nop-ho-so/{pk}/xem-lai/")
    assert len(renders) == 2
    key = Draft.objects.get(pk=pk).idempotency_key
    code = client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": key})["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert len(renders) == 2
    record = DossierComponent.objects.get(dossier__code=code, filename=eform_record.RECORD_FILENAME)
    with record.file.open("rb") as handle:
        assert "Lê Minh Anh" in _text(handle.read())
    assert not Draft.objects.get(pk=pk).declaration  # the draft's copy is removed once filed
    # Another citizen cannot open this draft's declaration.
    from tests.portal.builders import make_citizen

    client.force_login(make_citizen("khac@example.vn"))
    assert client.get(f"/nop-ho-so/{pk}/to-khai.pdf").status_code == 404

"""Scanned pages at the counter (OS-INTAKE-02: check, scan, store; issue 4, item 2: "tick the
required documents and scan or upload them"): several page images (scanner or camera) of one
required document become one PDF component, in the order chosen; pages are checked by content;
uploads survive a form sent back with errors."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from motcua.dossiers.models import Dossier
from motcua.workspace import scan
from motcua.workspace.models import DraftFile
from tests.dossiers.builders import PDF
from tests.workspace.test_reception import _form, _key


def _image(fmt: str, size=(600, 800), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _page(name: str, fmt: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image(fmt, **kwargs), content_type=f"image/{fmt.lower()}")


def test_os_intake_02_three_page_images_become_one_pdf_of_three_pages_in_order():
    pages = [_page("1.jpg", size=(600, 800)), _page("2.png", "PNG", size=(800, 600)), _page("3.jpg", size=(300, 400))]
    reader = PdfReader(io.BytesIO(scan.pages_to_pdf(pages)))
    assert len(reader.pages) == 3
    widths = [float(p.mediabox.width) for p in reader.pages]
    heights = [float(p.mediabox.height) for p in reader.pages]
    assert widths[0] < heights[0] and widths[1] > heights[1]  # each page keeps its orientation, in order
    assert max(widths[1], heights[0]) == pytest.approx(11.69 * 72, rel=0.01)  # the long side is A4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDF, "Trang 2 không phải ảnh JPEG hoặc PNG."),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "Trang 2 bị hỏng hoặc không đọc được."),
    ],
)
def test_os_intake_02_a_page_that_is_not_a_readable_image_is_named(content, message):
    with pytest.raises(scan.ScanError, match=message):
        scan.pages_to_pdf([_page("1.jpg"), SimpleUploadedFile("2.jpg", content, content_type="image/jpeg")])


def test_os_intake_02_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(scan, "MAX_PIXELS", 1000)
    with pytest.raises(scan.ScanError, match="Trang 1 có kích thước ảnh quá lớn."):
        scan.pages_to_pdf([_page("1.png", "PNG", size=(100, 100))])


def test_os_intake_02_too_many_pages_are_refused(monkeypatch):
    monkeypatch.setattr(scan, "MAX_PAGES", 2)
    with pytest.raises(scan.ScanError, match="tối đa 2 trang"):
        scan.pages_to_pdf([_page(f"{i}.jpg") for i in range(3)])


def test_os_intake_02_reception_page_offers_a_camera_and_scanner_input_per_document(world, sign_in):
    code = world.version.procedure.procedure_code
    body = sign_in("motcua.a").get("/can-bo/tiep-nhan/giay-to/", {"procedure": code}).content.decode()
    assert 'name="pages_0"' in body and 'accept="image/jpeg,image/png" capture="environment" multiple' in body


def test_os_intake_02_counter_reception_combines_the_pages_into_the_documents_pdf_component(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    pages = [_page("trang-1.jpg"), _page("trang-2.jpg", colour=(10, 10, 10))]
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, file_1=None, pages_1=pages))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_id_number="038090004321")
    component = dossier.components.get(required_document__code="GT02")
    assert component.content_type == "application/pdf" and component.filename.endswith(".pdf")
    with component.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 2


def test_os_intake_02_bad_pages_are_named_beside_their_document_and_other_uploads_are_kept(world, sign_in):
    client = sign_in("motcua.a")
    key = _key(client.get("/can-bo/tiep-nhan/").content.decode())
    bad = [_page("trang-1.jpg"), SimpleUploadedFile("trang-2.jpg", PDF, content_type="image/jpeg")]
    response = client.post("/can-bo/tiep-nhan/", _form(world, key, file_1=None, pages_1=bad))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="err-doc-1">Trang 2 không phải ảnh JPEG hoặc PNG.' in body
    assert "Đã lưu tệp: to-khai.pdf (không cần tải lại)" in body  # the other document's upload is kept
    assert set(DraftFile.objects.filter(draft__key=key).values_list("document_code", flat=True)) == {"GT01"}
    # Scanned again correctly: the first document's file is not sent again and is still used.
    response = client.post(
        "/can-bo/tiep-nhan/", _form(world, key, file_0=None, file_1=None, pages_1=[_page("a.png", "PNG")])
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="038090004321")
    assert sorted(dossier.components.values_list("filename", flat=True)) == ["gt02-ban-quet.pdf", "to-khai.pdf"]

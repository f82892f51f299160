"""Printed forms of real dossiers over HTTP: /api/v1/dossiers/{code}/forms/{number} and
/api/v1/registers/{year} (OS-FORM-01..07, OS-FORM-10). PDFs are read back with pypdf."""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO

import pypdf
import pytest

from motcua.api.urls import api
from motcua.core import tokens
from tests.dossiers.builders import UNIT_CODE, at, counter_dossier
from tests.dossiers.test_form_data import DELAY_REASON, SUPPLEMENT_REASON, lifecycle, refused
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db

APPLICANT = "Trần Thị Bích Ngọc"
TITLES = {
    "01": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "02": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "03": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "04": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "05": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "06": "SỔ THEO DÕI HỒ SƠ",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdf_text(content: bytes) -> str:
    return _norm(" ".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(content)).pages))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def nd61(settings):
    """Dossiers received from now on follow NĐ 61/2018 numbering (01-06); the regime is pinned at intake."""
    settings.MOTCUA = {**settings.MOTCUA, "REGIME": "nd61_2018"}


def fetch_form(client, code: str, number: str):
    response = client.get(f"/api/v1/dossiers/{code}/forms/{number}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("01", ["Mã hồ sơ", "03 ngày làm việc", "Quyển số: 2025, Số thứ tự: 01"]),  # OS-FORM-03
        ("02", [SUPPLEMENT_REASON, "Bản sao có chứng thực"]),  # OS-FORM-04
        ("04", [DELAY_REASON, "17:00 21/07/2025", "17:00 23/07/2025"]),  # OS-FORM-05
        ("05", ["Cán bộ chuyenvien.b", "Đúng hạn", "Quá hạn"]),  # OS-FORM-06
    ],
)
def test_os_form_01_each_form_of_a_dossier_as_pdf(client, world, nd61, number, expected):
    dossier = lifecycle(world)
    login(client, world.intake)
    response = fetch_form(client, dossier.code, number)
    assert response["Content-Disposition"] == f'inline; filename="{dossier.code}-mau-{number}.pdf"'
    text = pdf_text(response.content)
    for item in [dossier.code, APPLICANT, f"Mẫu số {number}", TITLES[number], *expected]:
        assert _norm(item) in text, f"{item!r} not in form {number}: {text[:300]}"


def test_os_form_04_refusal_form_03(client, world, nd61):
    dossier = refused(world, "Hồ sơ không thuộc thẩm quyền giải quyết")
    login(client, world.intake)
    text = pdf_text(fetch_form(client, dossier.code, "03").content)
    for item in (dossier.code, APPLICANT, "Mẫu số 03", TITLES["03"], "Hồ sơ không thuộc thẩm quyền giải quyết"):
        assert _norm(item) in text


def test_os_form_06_control_slip_prints_one_row_per_hand_over(client, world, nd61):
    dossier = lifecycle(world)
    login(client, world.leader)
    response = fetch_form(client, dossier.code, "control_slip")  # the key name works too (OS-FORM-10)
    assert response["Content-Disposition"].endswith(f'filename="{dossier.code}-mau-05.pdf"')
    text = pdf_text(response.content)
    assert text.count("Giao:") == text.count("Nhận:") == 4
    for n in range(1, 5):
        assert f"{n}. Giao:" in text
    assert "5. Giao:" not in text


def test_os_form_10_nd118_numbers_the_slip_06_and_05_only_for_a_stopped_dossier(client, world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "REGIME": "nd118_2025"}
    dossier = lifecycle(world)
    login(client, world.intake)
    text = pdf_text(fetch_form(client, dossier.code, "06").content)
    assert "Mẫu số 06" in text and TITLES["05"] in text
    apology = pdf_text(fetch_form(client, dossier.code, "04").content)
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in apology
    stop_notice = client.get(f"/api/v1/dossiers/{dossier.code}/forms/05")
    assert stop_notice.status_code == 404 and stop_notice.json()["error"]["code"] == "form_not_available"


@pytest.mark.parametrize("number", ["02", "03", "04", "06", "99", "register"])
def test_os_form_10_form_not_issued_is_404(client, world, nd61, number):
    dossier = counter_dossier(world)  # accepted only: no supplement, refusal or apology
    login(client, world.intake)
    response = client.get(f"/api/v1/dossiers/{dossier.code}/forms/{number}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "form_not_available"
    assert "không có biểu mẫu" in response.json()["error"]["message"]


def test_forms_of_an_unknown_dossier_are_404(client, world):
    login(client, world.intake)
    response = client.get(f"/api/v1/dossiers/{UNIT_CODE}-250714-9999/forms/01")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_dossier"


def test_forms_need_a_role_on_the_dossier_or_the_read_scope(client, world):
    dossier = counter_dossier(world)
    url = f"/api/v1/dossiers/{dossier.code}/forms/01"
    assert client.get(url).status_code == 401  # anonymous
    login(client, world.outsider)  # an official of another agency
    refused_ = client.get(url)
    assert refused_.status_code == 403 and refused_.json()["error"]["code"] == "not_in_agency_scope"
    client.logout()
    reader = tokens.create_token(world.intake.username, ["dossiers:read"]).plaintext
    writer = tokens.create_token(world.intake.username, ["dossiers:write"]).plaintext
    assert client.get(url, headers={"Authorization": f"Bearer {writer}"}).status_code == 403
    assert client.get(url, headers={"Authorization": f"Bearer {reader}"}).status_code == 200


def test_receipt_copy_marker_is_a_query_parameter(client, world):
    dossier = counter_dossier(world)
    login(client, world.intake)
    kept = pdf_text(fetch_form(client, dossier.code, "01?copy_number=1").content)
    assert "Liên 1: lưu tại Bộ phận Một cửa" in kept
    assert client.get(f"/api/v1/dossiers/{dossier.code}/forms/01?copy_number=3").status_code == 422


def test_os_form_07_register_lists_the_units_dossiers_of_the_year(client, world, nd61):
    codes = [counter_dossier(world, now=at(14 + i)).code for i in range(3)]
    login(client, world.intake)
    response = client.get("/api/v1/registers/2025", {"unit": UNIT_CODE})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{UNIT_CODE}-so-theo-doi-2025-mau-06.pdf"'
    text = pdf_text(response.content)
    assert "Mẫu số 06" in text and TITLES["06"] in text
    assert [text.count(code) for code in codes] == [1, 1, 1]  # one row each
    assert text.index(codes[0]) < text.index(codes[1]) < text.index(codes[2])
    empty = pdf_text(client.get("/api/v1/registers/2024", {"unit": UNIT_CODE}).content)
    assert not any(code in empty for code in codes)


def test_register_permissions_and_inputs(client, world):
    url = "/api/v1/registers/2025"
    assert client.get(url, {"unit": UNIT_CODE}).status_code == 401
    login(client, world.outsider)
    forbidden = client.get(url, {"unit": UNIT_CODE})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "not_in_agency_scope"
    assert client.get(url, {"unit": "000.00.99.H56"}).json()["error"]["code"] == "unknown_agency"
    assert client.get(url).status_code == 422  # the unit is required
    assert client.get("/api/v1/registers/1999", {"unit": UNIT_CODE}).status_code == 422


def test_openapi_documents_the_pdf_responses():
    schema = api.get_openapi_schema()
    operations = {
        op["operationId"]: op for path in schema["paths"].values() for op in path.values() if "operationId" in op
    }
    for operation_id in ("dossier_form", "dossier_register"):
        responses = operations[operation_id]["responses"]
        content = (responses.get(200) or responses["200"])["content"]
        assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert "/api/v1/registers/{year}" in schema["paths"]
    assert "/api/v1/dossiers/{code}/forms/{number}" in schema["paths"]


def test_os_stop_02_stopped_dossier_prints_the_stop_notice_05_under_nd118(client, world, settings):
    from motcua.dossiers.services import perform_action
    from tests.dossiers.builders import to_processing

    settings.MOTCUA = {**settings.MOTCUA, "REGIME": "nd118_2025"}
    dossier = to_processing(world, counter_dossier(world))
    reason = "Cơ quan có thẩm quyền đề nghị dừng giải quyết\nHồ sơ có dấu hiệu giả mạo giấy tờ"
    perform_action(dossier, "stop", world.leader, {"reason": reason}, now=at(16, 9))
    login(client, world.intake)
    text = pdf_text(fetch_form(client, dossier.code, "05").content)
    assert "Mẫu số 05" in text and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert APPLICANT in text and dossier.code in text
    assert "1. Cơ quan có thẩm quyền đề nghị dừng giải quyết" in text and "2. Hồ sơ có dấu hiệu giả mạo" in text

"""POST /api/v1/signatures/verify, GET /api/v1/signatures/roots and the public page /chu-ky-so/
(SIG-09): real uploads through Django's URL routing; hostile files get a clear message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.signing import registry
from motcua.signing.pades import sign_pdf

from .conftest import signer_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(pki_server):
    return registry.add_trusted_root(pki_server.authority.pki.root.pem(), name="CA thử nghiệm", is_demo=True)


@pytest.fixture
def signed(people, pki_server, receipt_pdf):
    return sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-T", tsa_url=f"{pki_server.url}/tsa")


def _upload(data: bytes, name="ket-qua.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_sig_09_api_reports_each_signature(api_client, trusted, signed):
    response = api_client.post("/api/v1/signatures/verify", {"file": _upload(signed)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True
    (sig,) = body["signatures"]
    assert sig["intact"] and sig["valid"] and sig["trusted"] and not sig["revoked"]
    assert sig["level"] == "B-T" and sig["timestamp"] and sig["signing_time"]
    assert "Nguyễn Văn Lãnh" in sig["signer"]["subject"]
    assert len(sig["chain"]) == 2 and sig["modified_after_signing"] is False


def test_sig_09_api_without_configured_roots_says_untrusted(api_client, signed):
    body = api_client.post("/api/v1/signatures/verify", {"file": _upload(signed)}).json()
    assert body["ok"] is False and body["signatures"][0]["trusted"] is False


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [(b"", 422, "pdf_empty"), (b"GIF89a...", 422, "pdf_malformed"), (b"%PDF-1.4\n%%EOF", 422, "pdf_malformed")],
)
def test_hostile_uploads_get_clear_errors(api_client, data, status, code):
    response = api_client.post("/api/v1/signatures/verify", {"file": _upload(data)})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_huge_upload_is_refused_with_413(api_client, monkeypatch):
    from motcua.signing import pades, reports

    monkeypatch.setattr(reports, "MAX_PDF_BYTES", 1024)
    monkeypatch.setattr(pades, "MAX_PDF_BYTES", 1024)
    response = api_client.post("/api/v1/signatures/verify", {"file": _upload(b"%PDF-1.7\n" + b"0" * 2048)})
    assert response.status_code == 413
    assert "quá lớn" in response.json()["error"]["message"]


def test_unsigned_pdf_has_no_signatures(api_client, receipt_pdf):
    body = api_client.post("/api/v1/signatures/verify", {"file": _upload(receipt_pdf)}).json()
    assert body == {"ok": False, "signatures": []}


def test_verify_is_rate_limited(api_client, settings, receipt_pdf):
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING": {"VERIFY_RATE": "2/m"}}
    codes = [api_client.post("/api/v1/signatures/verify", {"file": _upload(receipt_pdf)}).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_roots_are_published_as_pem(api_client, trusted, pki_server):
    body = api_client.get("/api/v1/signatures/roots").json()
    assert [r["name"] for r in body] == ["CA thử nghiệm"]
    assert body[0]["demo"] is True and body[0]["pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert body[0]["fingerprint_sha256"] == registry.fingerprint(pki_server.authority.pki.root.certificate)


def test_sig_09_public_page_shows_the_report(client, trusted, signed):
    page = client.get("/chu-ky-so/")
    assert page.status_code == 200 and "Kiểm tra chữ ký số" in page.content.decode()
    response = client.post("/chu-ky-so/", {"file": _upload(signed)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tất cả chữ ký hợp lệ và tin cậy." in html and "Nguyễn Văn Lãnh" in html and "PAdES B-T" in html


def test_public_page_tampered_and_broken_files(client, trusted, signed):
    tampered = bytearray(signed)
    tampered[tampered.index(b"stream", 200) + 20] ^= 1
    html = client.post("/chu-ky-so/", {"file": _upload(bytes(tampered))}).content.decode()
    assert "Đã bị thay đổi" in html and "Không hợp lệ" in html
    response = client.post("/chu-ky-so/", {"file": _upload(b"")})
    assert response.status_code == 422 and "0 byte" in response.content.decode()

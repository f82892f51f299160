"""Signing with registry certificates: SIG-01 (two signatures, agency only after a valid signer),
SIG-02/03/04 (appearances; rendered with pdftoppm and checked not blank), SIG-06 (kind of key per
purpose), expired/revoked certificates refused, each signature recorded."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from motcua.core.errors import ValidationFailed
from motcua.signing import registry, services
from motcua.signing.appearance import ATTACHMENT_PLACEMENT, SIGNER_PLACEMENT, box_on_page
from motcua.signing.models import KeyStore, SignatureRecord
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import make_official
from tests.organizations.factories import agency

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

A5 = (419.53, 595.28)  # points


@pytest.fixture
def world(tmp_path, settings, pki_server, people, monkeypatch, signature_png, seal_png):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING": {"TSA_URL": f"{pki_server.url}/tsa", "LEVEL": "B-T"}}
    monkeypatch.setenv("MOTCUA_TEST_P12", PASSWORD)
    unit = agency(code="000.00.01.H56", name="Ủy ban nhân dân phường Hạc Thành")
    leader = make_official("lanhdao.c", unit).official
    leader.full_name, leader.title = "Nguyễn Văn Lãnh", "CHỦ TỊCH"
    leader.signature_image.save("lanh.png", ContentFile(signature_png))
    registry.add_trusted_root(pki_server.authority.pki.root.pem(), is_demo=True)
    root = pki_server.authority.pki.root.certificate

    def stored(issued, **kwargs):
        path = tmp_path / f"{issued.certificate.serial_number}.p12"
        path.write_bytes(issued.pkcs12(PASSWORD.encode(), chain=[root]))
        return registry.import_certificate(
            issued.pem(), key_store=KeyStore.PKCS12, pkcs12_path=str(path), secret_env="MOTCUA_TEST_P12", **kwargs
        )

    personal = stored(people.leader, kind="personal", agency=unit, official=leader)
    seal = stored(people.agency, kind="agency", agency=unit)
    seal.seal_image.save("dau.png", ContentFile(seal_png))
    return unit, leader, personal, seal, stored


def _render(pdf: bytes, tmp_path, dpi: int = 72) -> Image.Image:
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "doc.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def _pixels(image: Image.Image, box, page_height: float, dpi: int = 72):
    scale = dpi / 72
    x1, y1, x2, y2 = box
    crop = image.crop(
        (int(x1 * scale), int((page_height - y2) * scale), int(x2 * scale), int((page_height - y1) * scale))
    )
    data = crop.tobytes()
    return [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]


def test_sig_01_02_03_leader_then_agency_seal_over_the_signature(world, receipt_pdf, tmp_path, root):
    unit, leader, personal, seal, _stored = world
    signed = services.sign_as_leader(receipt_pdf, personal, related=("dossiers.dossier", "H56.01-250714-0001"))
    both = services.sign_as_agency(signed, seal)
    report = verify_pdf(both, [root])
    assert [s.ok for s in report.signatures] == [True, True]
    assert [s.level for s in report.signatures] == ["B-T", "B-T"]
    assert [(r.purpose, r.level) for r in SignatureRecord.objects.order_by("pk")] == [
        ("signer", "B-T"),
        ("agency", "B-T"),
    ]
    assert SignatureRecord.objects.order_by("pk").first().related_id == "H56.01-250714-0001"
    # Visual check: the stamp area has blue ink (signature), red ink (seal) and dark text.
    image = _render(both, tmp_path)
    pixels = _pixels(image, box_on_page(SIGNER_PLACEMENT, *A5), A5[1])
    blue = sum(1 for r, g, b in pixels if b > 150 and r < 100 and g < 100)
    red = sum(1 for r, g, b in pixels if r > 150 and g < 100 and b < 100)
    dark = sum(1 for r, g, b in pixels if r < 90 and g < 90 and b < 90)
    assert blue > 50 and red > 50 and dark > 20, (blue, red, dark)
    # The seal sits over the left part of the signer's block, not its right third.
    x1, y1, x2, y2 = box_on_page(SIGNER_PLACEMENT, *A5)
    right = _pixels(image, (x1 + 2 * (x2 - x1) / 3, y1, x2, y2), A5[1])
    assert sum(1 for r, g, b in right if r > 150 and g < 100 and b < 100) < red / 10


def test_sig_04_attachment_signed_top_right_with_number_and_iso_time(world, tmp_path, root):
    from .conftest import make_pdf

    _unit, _leader, _personal, seal, _stored = world
    signed = services.sign_attachment(
        make_pdf(pages=2, text="Phụ lục kèm theo Quyết định"), seal, notation="15/QĐ-UBND"
    )
    assert verify_pdf(signed, [root]).ok
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=signed, capture_output=True, check=True
    ).stdout
    line = text.decode().splitlines()[0]
    assert line.startswith("15/QĐ-UBND; 20") and line.endswith("+07:00"), line
    datetime.fromisoformat(line.split("; ")[1])
    image = _render(signed, tmp_path)
    pixels = _pixels(image, box_on_page(ATTACHMENT_PLACEMENT, *A5), A5[1])
    assert sum(1 for p in pixels if max(p) < 100) > 20
    # No image: nothing coloured (SIG-04 says black text only).
    assert not any(max(p) - min(p) > 80 for p in pixels)


def test_sig_01_agency_refuses_an_unsigned_or_tampered_document(world, receipt_pdf):
    _unit, _leader, personal, seal, _stored = world
    with pytest.raises(ValidationFailed) as caught:
        services.sign_as_agency(receipt_pdf, seal)
    assert caught.value.code == "not_signed_by_signer"
    signed = bytearray(services.sign_as_leader(receipt_pdf, personal))
    signed[signed.index(b"stream", 200) + 20] ^= 1
    with pytest.raises(ValidationFailed):
        services.sign_as_agency(bytes(signed), seal)
    assert SignatureRecord.objects.filter(purpose="agency").count() == 0


def test_sig_06_keys_match_the_purpose(world, receipt_pdf):
    _unit, _leader, personal, seal, _stored = world
    with pytest.raises(ValidationFailed, match="wrong_kind"):
        services.sign_document(receipt_pdf, seal, purpose="signer")
    with pytest.raises(ValidationFailed, match="wrong_kind"):
        services.sign_document(receipt_pdf, personal, purpose="attachment")


def test_expired_revoked_and_ca_revoked_certificates_sign_nothing(world, receipt_pdf, people, pki_server):
    unit, leader, personal, seal, stored = world
    seal.revoked_at = datetime.now(UTC)
    seal.save()
    with pytest.raises(ValidationFailed, match="certificate_revoked"):
        services.sign_document(receipt_pdf, seal, purpose="form")
    with pytest.raises(ValidationFailed, match="certificate_expired"):
        services.sign_document(receipt_pdf, personal, purpose="signer", now=personal.not_after + timedelta(days=1))
    # Revoked by the CA (the CRL says so) though still active in the registry.
    ca_revoked = stored(people.revoked, kind="agency", agency=unit)
    with pytest.raises(ValidationFailed, match="certificate_revoked"):
        services.sign_document(receipt_pdf, ca_revoked, purpose="form")
    assert SignatureRecord.objects.count() == 0


def test_wrong_password_or_missing_secret_signs_nothing(world, receipt_pdf, monkeypatch):
    _unit, _leader, personal, _seal, _stored = world
    monkeypatch.setenv("MOTCUA_TEST_P12", "sai-mat-khau")
    with pytest.raises(ValidationFailed, match="pkcs12_password"):
        services.sign_document(receipt_pdf, personal, purpose="signer")
    monkeypatch.delenv("MOTCUA_TEST_P12")
    with pytest.raises(ValidationFailed, match="secret_missing"):
        services.sign_document(receipt_pdf, personal, purpose="signer")
    assert SignatureRecord.objects.count() == 0


def test_secret_file_holds_the_password(world, receipt_pdf, tmp_path, settings, root):
    _unit, _leader, personal, _seal, _stored = world
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "lanh.p12.pass").write_text(PASSWORD + "\n")
    settings.MOTCUA = {
        **settings.MOTCUA,
        "SIGNING": {**settings.MOTCUA["SIGNING"], "SECRETS_DIR": str(tmp_path / "secrets")},
    }
    personal.secret_env, personal.secret_file = "", "lanh.p12.pass"
    signed = services.sign_document(receipt_pdf, personal, purpose="signer", level="B-B")
    assert verify_pdf(signed, [root]).ok
    personal.secret_file = "../etc/passwd"
    with pytest.raises(ValidationFailed, match="secret_missing"):
        services.sign_document(receipt_pdf, personal, purpose="signer", level="B-B")


def test_sig_08_b_lt_from_the_registry(world, receipt_pdf, root):
    _unit, _leader, personal, _seal, _stored = world
    signed = services.sign_document(receipt_pdf, personal, purpose="signer", level="B-LT")
    sig = verify_pdf(signed, [root], allow_fetching=False).signatures[0]
    assert sig.ok and sig.level == "B-LT"

"""Certificate registry (SIG-10, ORG-08): import from PEM/DER/PKCS#12, clear errors, counts per
agency and kind, expiry warnings 30 days ahead through the notification outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.management import call_command

from motcua.core.errors import ValidationFailed
from motcua.notifications.models import OutboxMessage
from motcua.signing import registry
from motcua.signing.models import Certificate, CertificateKind, KeyStore
from tests.dossiers.builders import make_official
from tests.organizations.factories import agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return agency(code="000.00.01.H56", name="Ủy ban nhân dân phường Hạc Thành", email="vanthu@hacthanh.gov.vn")


@pytest.fixture
def official(unit):
    user = make_official("lanhdao.a", unit)
    user.email = "lanhdao.a@hacthanh.gov.vn"
    user.save()
    return user.official


def test_sig_10_import_pem_der_and_pkcs12(pki_server, unit, official):
    pki = pki_server.authority.pki
    a, b, c = (pki.issue(f"Người ký {i}") for i in range(3))
    one = registry.import_certificate(a.pem(), kind="personal", agency=unit, official=official)
    two = registry.import_certificate(
        b.certificate.public_bytes(Encoding.DER), kind="agency", agency=unit, key_store=KeyStore.NONE
    )
    three = registry.import_certificate(
        c.pkcs12(b"bi-mat"),
        password="bi-mat",
        kind="agency",
        agency=unit,
        key_store=KeyStore.PKCS12,
        pkcs12_path="/etc/motcua/keys/vanthu.p12",
        secret_env="MOTCUA_KEY_VANTHU",
    )
    assert one.common_name == "Người ký 0" and one.kind == CertificateKind.PERSONAL
    assert one.serial == format(a.certificate.serial_number, "X")
    assert "motcua Test Root CA" in one.issuer
    assert one.not_after == a.certificate.not_valid_after_utc
    assert two.fingerprint == registry.fingerprint(b.certificate)
    assert three.key_store == KeyStore.PKCS12 and three.secret_env == "MOTCUA_KEY_VANTHU"
    # The password is nowhere in the row.
    row = Certificate.objects.filter(pk=three.pk).values().get()
    assert not any(isinstance(v, str) and "bi-mat" in v for v in row.values())


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda c: c.pkcs12(b"dung"), "pkcs12_password", "Sai mật khẩu"),
        (lambda c: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not_a_certificate", "PEM"),
        (lambda c: b"\x00\x01 not a certificate at all", "not_a_certificate", "không phải chứng thư"),
        (lambda c: b"", "not_a_certificate", "rỗng"),
    ],
)
def test_sig_10_bad_files_get_clear_vietnamese_errors(pki_server, unit, make, code, words):
    cert = pki_server.authority.pki.issue("Sai")
    with pytest.raises(ValidationFailed) as caught:
        registry.import_certificate(make(cert), password="sai", kind="agency", agency=unit)
    assert caught.value.code == code
    assert words in str(caught.value.message)


def test_sig_10_expired_certificate_is_refused(pki_server, unit):
    old = pki_server.authority.pki.issue("Hết hạn", not_before=datetime.now(UTC) - timedelta(days=400), days=365)
    with pytest.raises(ValidationFailed) as caught:
        registry.import_certificate(old.pem(), kind="agency", agency=unit)
    assert caught.value.code == "certificate_expired"
    assert "hết hạn" in str(caught.value.message)


def test_sig_10_duplicates_and_wrong_owner_are_refused(pki_server, unit, official):
    cert = pki_server.authority.pki.issue("Trùng")
    registry.import_certificate(cert.pem(), kind="agency", agency=unit)
    with pytest.raises(ValidationFailed, match="duplicate"):
        registry.import_certificate(cert.pem(), kind="agency", agency=unit)
    other = agency(code="000.00.02.H56", name="UBND phường Đông Sơn")
    with pytest.raises(ValidationFailed):
        registry.import_certificate(
            pki_server.authority.pki.issue("X").pem(), kind="personal", agency=other, official=official
        )
    with pytest.raises(ValidationFailed):
        registry.import_certificate(pki_server.authority.pki.issue("Y").pem(), kind="personal", agency=unit)
    with pytest.raises(ValidationFailed):
        registry.import_certificate(
            pki_server.authority.pki.issue("Z").pem(), kind="agency", agency=unit, key_store=KeyStore.PKCS12
        )


def test_sig_10_counts_per_agency_and_kind(pki_server, unit, official):
    pki = pki_server.authority.pki
    other = agency(code="000.00.02.H56", name="UBND phường Đông Sơn")
    for i in range(3):
        registry.import_certificate(pki.issue(f"Cá nhân {i}").pem(), kind="personal", agency=unit, official=official)
    registry.import_certificate(pki.issue("Tổ chức 1").pem(), kind="agency", agency=unit)
    registry.import_certificate(pki.issue("Tổ chức 2").pem(), kind="agency", agency=other)
    revoked = registry.import_certificate(pki.issue("Thu hồi").pem(), kind="agency", agency=other)
    revoked.revoked_at = datetime.now(UTC)
    revoked.save()
    assert registry.counts() == [
        {"agency_id": unit.pk, "kind": "agency", "count": 1},
        {"agency_id": unit.pk, "kind": "personal", "count": 3},
        {"agency_id": other.pk, "kind": "agency", "count": 1},
    ]
    assert registry.counts([other.pk]) == [{"agency_id": other.pk, "kind": "agency", "count": 1}]
    assert registry.totals() == {"agency": 2, "personal": 3, "total": 5}


def test_sig_10_expiry_warning_30_days_ahead_once(pki_server, unit, official, django_capture_on_commit_callbacks):
    pki = pki_server.authority.pki
    soon = registry.import_certificate(
        pki.issue("Sắp hết", days=20).pem(), kind="personal", agency=unit, official=official
    )
    seal = registry.import_certificate(pki.issue("Con dấu", days=29).pem(), kind="agency", agency=unit)
    registry.import_certificate(pki.issue("Còn lâu", days=90).pem(), kind="agency", agency=unit)
    with django_capture_on_commit_callbacks():
        call_command("signing_expiry_warnings", verbosity=0)
        call_command("signing_expiry_warnings", verbosity=0)  # a second daily run warns nobody again
    messages = OutboxMessage.objects.order_by("recipient")
    assert [m.recipient for m in messages] == ["lanhdao.a@hacthanh.gov.vn", "vanthu@hacthanh.gov.vn"]
    assert {m.related_id for m in messages} == {str(soon.pk), str(seal.pk)}
    assert all("sắp hết hạn" in m.subject for m in messages)
    assert "Sắp hết" in messages[0].body


def test_sig_10_trusted_roots_are_kept_once(pki_server):
    root = pki_server.authority.pki.root
    first = registry.add_trusted_root(root.pem(), is_demo=True)
    again = registry.add_trusted_root(root.pem())
    assert first.pk == again.pk and first.name == "motcua Test Root CA"
    assert [c.serial_number for c in registry.trusted_roots()] == [root.certificate.serial_number]

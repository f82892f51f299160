"""The administrator imports certificates and trusted roots in /admin/ (SIG-10) with clear errors."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.signing.models import Certificate, TrustedRoot
from tests.organizations.factories import agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.test", "a-long-admin-password")
    client.force_login(user)
    return client


def test_sig_10_admin_imports_a_pkcs12_certificate_without_keeping_the_password(admin_client, pki_server):
    unit = agency(code="000.00.01.H56", name="UBND phường Hạc Thành")
    issued = pki_server.authority.pki.issue("Văn thư phường")
    form = {
        "kind": "agency",
        "agency": unit.pk,
        "key_store": "pkcs12",
        "pkcs12_path": "/etc/motcua/keys/vanthu.p12",
        "secret_env": "MOTCUA_KEY_VANTHU",
        "is_active": "on",
        "file_password": "bi-mat-12",
    }
    wrong = admin_client.post(
        "/admin/signing/certificate/add/",
        {**form, "file_password": "sai", "certificate_file": SimpleUploadedFile("k.p12", issued.pkcs12(b"bi-mat-12"))},
    )
    assert wrong.status_code == 200 and "Sai mật khẩu tệp PKCS#12." in wrong.content.decode()
    ok = admin_client.post(
        "/admin/signing/certificate/add/",
        {**form, "certificate_file": SimpleUploadedFile("k.p12", issued.pkcs12(b"bi-mat-12"))},
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    cert = Certificate.objects.get()
    assert cert.common_name == "Văn thư phường" and cert.secret_env == "MOTCUA_KEY_VANTHU"
    assert "bi-mat-12" not in str(Certificate.objects.filter(pk=cert.pk).values().get())
    assert admin_client.get(f"/admin/signing/certificate/{cert.pk}/change/").status_code == 200


def test_sig_10_admin_adds_a_trusted_root(admin_client, pki_server):
    bad = admin_client.post(
        "/admin/signing/trustedroot/add/",
        {"name": "Sai", "is_active": "on", "certificate_file": SimpleUploadedFile("x.pem", b"not a cert")},
    )
    assert bad.status_code == 200 and not TrustedRoot.objects.exists()
    pem = pki_server.authority.pki.root.pem()
    ok = admin_client.post(
        "/admin/signing/trustedroot/add/",
        {
            "name": "CA chuyên dùng Chính phủ (thử)",
            "is_active": "on",
            "certificate_file": SimpleUploadedFile("r.pem", pem),
        },
    )
    assert ok.status_code == 302
    root = TrustedRoot.objects.get()
    assert root.name == "CA chuyên dùng Chính phủ (thử)" and root.subject.startswith("CN=motcua Test Root CA")

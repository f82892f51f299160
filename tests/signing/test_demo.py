"""The demo PKI (issue 6 "Demo"): seeded once, certificates for agencies and leaders, images, and
signing through the demo TSA served over HTTP like `motcua demo-pki` does."""

from __future__ import annotations

import pytest

from motcua.signing import services
from motcua.signing.demo import PASSWORD_ENV, demo_pki_environment, load_pki, seed_demo_pki
from motcua.signing.models import Certificate, TrustedRoot
from motcua.signing.pki_server import Authority, bind, serve
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import make_official
from tests.organizations.factories import agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv("MOTCUA_SIGNING_TSA_URL", raising=False)
    unit = agency(code="000.00.01.H56", name="Ủy ban nhân dân phường Hạc Thành", short_name="UBND")
    agency(code="000.00.02.H56", name="Cơ quan không có cán bộ")
    leader = make_official("lanhdao.c", unit, ["department_leader"]).official
    make_official("motcua.a", unit, ["intake_officer"])
    return unit, leader


def test_demo_pki_seeds_once_and_signs_through_its_tsa(demo_world, tmp_path, monkeypatch, receipt_pdf):
    unit, leader = demo_world
    server, handler = bind()
    port = server.server_address[1] - 2  # the demo's web port; the PKI listens on port + 2
    folder = tmp_path / "demo-pki"
    result = seed_demo_pki(port=port, folder=folder, log=lambda _m: None)
    assert (result.agency_certificates, result.personal_certificates) == (1, 1)
    assert TrustedRoot.objects.get().is_demo
    again = seed_demo_pki(port=port, folder=folder, log=lambda _m: None)
    assert (again.agency_certificates, again.personal_certificates) == (0, 0)
    assert again.root_fingerprint == result.root_fingerprint
    assert (folder / "ca.key").stat().st_mode & 0o077 == 0
    leader.refresh_from_db()
    assert leader.signature_image
    seal = Certificate.objects.get(kind="agency")
    assert seal.seal_image and seal.agency == unit and seal.secret_env == PASSWORD_ENV
    pki, tsa, _url = load_pki(folder)
    running = serve(server, handler, Authority(pki=pki, tsa=tsa))
    try:
        for key, value in demo_pki_environment("127.0.0.1", port, folder).items():
            monkeypatch.setenv(key, value)
        personal = Certificate.objects.get(kind="personal", official=leader)
        signed = services.sign_as_agency(services.sign_as_leader(receipt_pdf, personal), seal)
        report = verify_pdf(signed)
        assert report.ok and [s.level for s in report.signatures] == ["B-T", "B-T"]
    finally:
        running.stop()

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.catalog import versioning
from motcua.catalog.models import Fee, RequiredDocument
from motcua.dossiers.services import receive_dossier
from tests.catalog.factories import VersionFactory
from tests.dossiers.builders import both_components, citizen, make_official
from tests.organizations.factories import agency

UNIT_CODE = "000.00.01.H56"
ONLINE_FEES = 8_000 + 5_000  # the charge for every channel + the online-only fee


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_paying_dossier(fees=True):
    """A published fee-paying procedure and one dossier submitted online (OS-FEE-02 fee lines)."""
    unit = agency(code=UNIT_CODE, name="Ủy ban nhân dân phường Hạc Thành")
    version = VersionFactory(
        name="Đăng ký khai sinh",
        channels=["counter", "postal", "online"],
        valid_from=timezone.localdate() - timedelta(days=30),
    )
    RequiredDocument.objects.create(version=version, code="GT01", name="Tờ khai đăng ký khai sinh", originals=1)
    RequiredDocument.objects.create(version=version, code="GT02", name="Giấy chứng sinh", originals=1, order=1)
    if fees:
        Fee.objects.create(version=version, code="LP01", name="Lệ phí đăng ký khai sinh", kind="charge", amount=8_000)
        Fee.objects.create(
            version=version,
            code="P01",
            name="Phí dịch vụ trực tuyến",
            kind="fee",
            amount=5_000,
            channel="online",
            order=1,
        )
        Fee.objects.create(
            version=version, code="LP02", name="Lệ phí tại quầy", amount=20_000, channel="counter", order=2
        )
        Fee.objects.create(version=version, code="LP03", name="Lệ phí miễn", amount=50_000, is_exempt=True, order=3)
    versioning.publish(version)
    dossier = receive_dossier(
        procedure_code=version.procedure.procedure_code,
        channel="online",
        receiving_unit=unit,
        applicant=citizen(),
        components=both_components(),
    ).dossier
    return dossier


@pytest.fixture
def dossier(db):
    return build_paying_dossier()


@pytest.fixture
def officials(dossier):
    """An official of the dossier's agency and one of another agency."""
    from motcua.organizations.models import Agency

    unit = Agency.objects.get(code=UNIT_CODE)
    other = agency(code="000.00.02.H56", name="Ủy ban nhân dân phường Đông Sơn")
    return make_official("motcua.a", unit, ["intake_officer"]), make_official("ngoai.d", other, ["intake_officer"])


PAYGOV_SECRET = "test-paygov-secret"


@pytest.fixture
def fake_paygov(live_server, settings):
    """The fake PayGov-type platform on 127.0.0.1; the `paygov` provider points at it."""
    from motcua.payments.fake_paygov import FakePaygov

    with FakePaygov(
        partner_code="MOTCUA", secret=PAYGOV_SECRET, return_url=f"{live_server.url}/thanh-toan/ket-qua/paygov/"
    ) as platform:
        settings.MOTCUA_PAYMENTS = {
            "paygov": {"url": platform.url, "partner_code": "MOTCUA", "secret": PAYGOV_SECRET, "http_timeout": 5}
        }
        yield platform

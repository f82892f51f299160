"""The citizen chooses the payment provider among those configured (INT-PAY-01: the national payment
platform or another lawful gateway); an unknown or disabled provider is refused."""

from __future__ import annotations

import pytest

from motcua.payments.models import Payment
from tests.portal.builders import file_online

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_providers(settings):
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": "s", "pay_url": "https://sandbox.example/pay"},
        "paygov": {"url": "https://paygov.example/api", "partner_code": "MOTCUA", "secret": "s"},
    }
    return settings


@pytest.fixture
def code(client, portal_world, citizen_user):
    return file_online(client, citizen_user)


def test_int_pay_01_both_providers_are_offered(client, code, two_providers):
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert 'id="provider_vnpay"' in page and 'id="provider_paygov"' in page
    assert "Nền tảng thanh toán quốc gia" in page


def test_int_pay_01_one_provider_needs_no_choice(client, code, two_providers):
    two_providers.MOTCUA_PAYMENTS["paygov"]["enabled"] = False
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert 'name="provider" value="vnpay"' in page and 'id="provider_paygov"' not in page


def test_int_pay_01_chosen_provider_gets_the_order(client, code, two_providers):
    response = client.post(f"/ho-so-cua-toi/{code}/thanh-toan/", {"provider": "vnpay"})
    assert response.status_code == 302 and response["Location"].startswith("https://sandbox.example/pay?")
    assert Payment.objects.get().provider == "vnpay"


def test_int_pay_01_unknown_or_disabled_provider_is_refused(client, code, two_providers):
    two_providers.MOTCUA_PAYMENTS["paygov"]["enabled"] = False
    for provider in ("paygov", "momo"):
        response = client.post(f"/ho-so-cua-toi/{code}/thanh-toan/", {"provider": provider})
        assert response.status_code == 422
        assert "Cổng thanh toán không có hoặc chưa được bật." in response.content.decode()
    assert not Payment.objects.exists()


def test_no_provider_configured_says_to_pay_at_the_counter(client, code, settings):
    settings.MOTCUA_PAYMENTS = {"vnpay": {"enabled": False}, "paygov": {"enabled": False}}
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "nộp phí, lệ phí tại Bộ phận Một cửa" in page


def test_os_fee_03_the_last_attempt_is_named_in_words(client, code, two_providers):
    client.post(f"/ho-so-cua-toi/{code}/thanh-toan/", {"provider": "vnpay"})
    Payment.objects.update(state="failed")
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Giao dịch gần nhất: Thanh toán không thành công" in page and "Thanh toán trực tuyến" in page

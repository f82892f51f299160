"""Officials see a dossier's payments, every callback and the receipt (issue 5 item 4; OS-FEE-01, INT-PAY-03)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from motcua.payments import receipts, services
from tests.payments.test_services import RETURN, SECRET, ipn_for


@pytest.fixture
def paid(dossier, settings):
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": SECRET, "pay_url": "https://sandbox.example/pay"}
    }
    payment = services.start_payment(dossier=dossier, provider_code="vnpay", return_url=RETURN, client_ip="1.2.3.4")
    services.handle_ipn("vnpay", {**ipn_for(payment), "vnp_SecureHash": "0" * 128})  # a forged one, recorded
    services.handle_ipn("vnpay", ipn_for(payment))
    payment.refresh_from_db()
    return payment


def test_os_fee_01_official_of_the_agency_sees_payments_callbacks_and_receipt_link(client, officials, paid):
    official, _outsider = officials
    client.force_login(official)
    response = client.get(f"/thanh-toan/ho-so/{paid.dossier.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert paid.reference in body and "Đã thanh toán" in body and "bad_signature" in body
    assert f"/thanh-toan/ho-so/{paid.dossier.code}/bien-lai/{paid.reference}.pdf" in body


def test_os_fee_01_official_of_another_agency_and_anonymous_are_refused(client, officials, paid):
    _official, outsider = officials
    assert client.get(f"/thanh-toan/ho-so/{paid.dossier.code}/").status_code == 302  # to sign-in
    client.force_login(outsider)
    assert client.get(f"/thanh-toan/ho-so/{paid.dossier.code}/").status_code == 404
    assert client.get(f"/thanh-toan/ho-so/{paid.dossier.code}/bien-lai/{paid.reference}.pdf").status_code == 404


def test_os_fee_01_receipt_pdf_of_a_paid_payment(client, officials, paid):
    official, _outsider = officials
    client.force_login(official)
    response = client.get(f"/thanh-toan/ho-so/{paid.dossier.code}/bien-lai/{paid.reference}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "BIÊN LAI" in text and "13.000 đ" in text and paid.dossier.code in text and paid.receipt_number in text


def test_os_fee_01_unpaid_payment_has_no_receipt(dossier, settings):
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "MOTCUA01", "hash_secret": SECRET, "pay_url": "https://sandbox.example/pay"}
    }
    payment = services.start_payment(dossier=dossier, provider_code="vnpay", return_url=RETURN, client_ip="1.2.3.4")
    with pytest.raises(ValueError):
        receipts.receipt_data(payment)


def test_os_fee_03_api_shows_the_dossier_payments_to_its_officials_only(client, officials, paid):
    official, outsider = officials
    url = f"/api/v1/payments/dossiers/{paid.dossier.code}"
    assert client.get(url).status_code == 401
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(official)
    body = client.get(url).json()
    assert body["state"] == "paid" and body["fees_due"] == 0
    [payment] = body["payments"]
    assert payment["reference"] == paid.reference and payment["amount"] == 13_000 and payment["receipt_number"]
    assert [line["code"] for line in payment["fee_lines"]] == ["LP01", "P01"]


def test_int_pay_03_api_lists_enabled_providers(client, paid):
    assert client.get("/api/v1/payments/providers").json() == [{"code": "vnpay", "label": "VNPay"}]


def test_return_page_in_english_when_asked(client, db):
    response = client.get("/thanh-toan/ket-qua/vnpay/?vnp_TxnRef=nope", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "Payment not found" in response.content.decode()


def test_return_page_is_rate_limited_per_address(client, db, settings):
    """Every return is stored, so anonymous callers are limited (issue 5: abuse cases)."""
    from django.core.cache import cache

    cache.clear()
    settings.MOTCUA_PAYMENTS_RETURN_RATE = "2/m"
    statuses = [client.get("/thanh-toan/ket-qua/vnpay/?vnp_TxnRef=nope").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_int_pay_03_ipn_from_outside_the_allow_list_is_refused_and_not_stored(client, paid, settings):
    from motcua.payments.models import PaymentEvent

    settings.MOTCUA_PAYMENTS = {"vnpay": {**settings.MOTCUA_PAYMENTS["vnpay"], "ipn_allowed_ips": "203.0.113.1"}}
    before = PaymentEvent.objects.count()
    assert client.get("/thanh-toan/ipn/vnpay/?vnp_TxnRef=x").status_code == 403
    assert PaymentEvent.objects.count() == before
    answer = client.get("/thanh-toan/ipn/vnpay/?vnp_TxnRef=x", REMOTE_ADDR="203.0.113.1").json()
    assert answer["RspCode"] == "97" and PaymentEvent.objects.count() == before + 1


def test_return_url_for_refuses_an_unknown_provider(rf, settings):
    from motcua.core.errors import ValidationFailed

    settings.MOTCUA_PAYMENTS = {"vnpay": {"tmn_code": "T", "hash_secret": "s", "pay_url": "https://x/pay"}}
    request = rf.get("/")
    assert services.return_url_for(request, "vnpay") == "http://testserver/thanh-toan/ket-qua/vnpay/"
    with pytest.raises(ValidationFailed):
        services.return_url_for(request, "../../evil")

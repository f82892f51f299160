"""VNPay-type protocol over real HTTP: motcua (live server) <-> the fake gateway (INT-PAY-02, INT-PAY-03, OS-FEE-03)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.utils import timezone

from motcua.payments import services
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.signing import vnpay_query, vnpay_sign
from tests.conftest import FAKE_GATEWAY_SECRET
from tests.payments.conftest import ONLINE_FEES
from tests.payments.http import fetch, pay

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payment(dossier, fake_gateway, live_server):
    return services.start_payment(
        dossier=dossier,
        provider_code="vnpay",
        return_url=f"{live_server.url}/thanh-toan/ket-qua/vnpay/",
        client_ip="203.0.113.7",
    )


def ipn_verdicts(payment):
    return list(PaymentEvent.objects.filter(payment=payment, kind="ipn").values_list("verdict", flat=True))


def test_int_pay_02_redirect_is_signed_and_carries_the_amount_times_100(payment):
    params = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    assert params["vnp_Amount"] == str(ONLINE_FEES * 100)
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay" and params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == payment.reference and params["vnp_IpAddr"] == "203.0.113.7"
    assert "vnp_SecureHashType" not in params and len(params["vnp_SecureHash"]) == 128
    assert payment.state == "pending" and payment.amount == ONLINE_FEES


def test_int_pay_03_happy_path_ipn_marks_paid_and_return_page_displays_it(dossier, payment, fake_gateway):
    status, body, final_url = pay(payment.redirect_url)

    assert fake_gateway.ipn_answers == [(200, {"RspCode": "00", "Message": "Confirm Success"})]
    assert status == 200 and final_url.startswith(payment.return_url)
    assert "Đã thanh toán" in body
    payment.refresh_from_db()
    assert payment.state == "paid" and payment.paid_at is not None
    assert payment.provider_txn_id and payment.bank_code == "NCB" and payment.receipt_number
    assert services.is_paid(dossier) and services.payment_state(dossier) == "paid" and services.fees_due(dossier) == 0
    kinds = list(payment.events.values_list("kind", "verdict"))
    assert kinds == [("create", "created"), ("ipn", "confirmed"), ("return", "display")]


def test_int_pay_03_cancel_on_the_gateway_cancels_the_payment(dossier, payment, fake_gateway):
    status, body, _ = pay(payment.redirect_url, action="cancel")

    assert fake_gateway.ipn_answers[0][1]["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.state == "cancelled" and not services.is_paid(dossier)
    assert "Đã hủy" in body and services.fees_due(dossier) == ONLINE_FEES


def test_int_pay_03_replayed_ipn_answers_already_confirmed_and_changes_nothing(payment, fake_gateway):
    pay(payment.redirect_url)
    payment.refresh_from_db()
    paid_at, txn = payment.paid_at, payment.provider_txn_id

    status, answer = fake_gateway.notify(fake_gateway.last_ipn, sign=False)

    assert (status, answer["RspCode"]) == (200, "02")
    payment.refresh_from_db()
    assert (payment.state, payment.paid_at, payment.provider_txn_id) == ("paid", paid_at, txn)
    assert ipn_verdicts(payment) == ["confirmed", "already_confirmed"]
    replay = PaymentEvent.objects.filter(payment=payment, verdict="already_confirmed").get()
    assert replay.params["vnp_TxnRef"] == payment.reference and "replay" in replay.reason


def test_int_pay_03_tampered_ipn_signature_is_rejected_and_recorded(payment, fake_gateway):
    forged = fake_gateway.result_params({**dict(parse_qsl(urlsplit(payment.redirect_url).query))}, paid=True)
    forged["vnp_Amount"] = "100"  # changed after signing

    status, answer = fake_gateway.notify(forged, sign=False)

    assert (status, answer["RspCode"]) == (200, "97")
    payment.refresh_from_db()
    assert payment.state == "pending"
    event = PaymentEvent.objects.get(kind="ipn", verdict="bad_signature")
    assert event.payment == payment and event.params["vnp_Amount"] == "100"


def test_int_pay_03_ipn_signed_with_another_secret_is_rejected(payment, live_server):
    order = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    params = vnpay_sign(
        {
            "vnp_TxnRef": payment.reference,
            "vnp_Amount": order["vnp_Amount"],
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
        },
        "not-the-merchant-secret",
    )
    status, body, _ = fetch(f"{live_server.url}/thanh-toan/ipn/vnpay/?{vnpay_query(params)}")
    assert status == 200 and '"97"' in body
    payment.refresh_from_db()
    assert payment.state == "pending"


def test_int_pay_03_amount_mismatch_answers_04_and_leaves_the_payment_pending(payment, fake_gateway):
    order = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    result = fake_gateway.result_params({**order, "vnp_Amount": str((ONLINE_FEES - 1) * 100)}, paid=True)

    status, answer = fake_gateway.notify(result, sign=False)

    assert answer == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.state == "pending"
    assert ipn_verdicts(payment) == ["bad_amount"]


def test_int_pay_03_ipn_for_an_unknown_order_answers_01_and_is_recorded(payment, fake_gateway):
    order = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    result = fake_gateway.result_params({**order, "vnp_TxnRef": "251124DEADBEEF00000000"}, paid=True)

    status, answer = fake_gateway.notify(result, sign=False)

    assert answer["RspCode"] == "01"
    event = PaymentEvent.objects.get(kind="ipn", verdict="not_found")
    assert event.payment is None and event.reference == "251124DEADBEEF00000000"
    payment.refresh_from_db()
    assert payment.state == "pending"


def test_int_pay_03_malformed_ipn_answers_97_without_error(payment, live_server):
    status, body, _ = fetch(f"{live_server.url}/thanh-toan/ipn/vnpay/?vnp_TxnRef=x&vnp_Amount=abc")
    assert status == 200 and '"97"' in body


def test_int_pay_03_return_url_is_display_only_even_when_validly_signed(payment, fake_gateway):
    """The gateway's IPN is lost: the signed "success" return must not mark the payment paid."""
    fake_gateway.send_ipn = False
    status, body, _ = pay(payment.redirect_url)

    assert status == 200 and "Đang chờ xác nhận" in body
    payment.refresh_from_db()
    assert payment.state == "pending" and payment.paid_at is None
    assert fake_gateway.ipn_answers == []


def test_int_pay_03_tampered_return_url_is_ignored(payment, fake_gateway, live_server):
    fake_gateway.send_ipn = False
    _status, _body, final_url = pay(payment.redirect_url, action="cancel")
    params = dict(parse_qsl(urlsplit(final_url).query))
    params.update(vnp_ResponseCode="00", vnp_TransactionStatus="00")  # "paid", without a new signature

    status, body, _ = fetch(f"{live_server.url}/thanh-toan/ket-qua/vnpay/?{urlencode(params)}")

    assert status == 200 and "không hợp lệ" in body
    payment.refresh_from_db()
    assert payment.state == "pending"
    event = PaymentEvent.objects.filter(payment=payment, kind="return").order_by("id").last()
    assert event.reason.startswith("invalid signature")


def test_int_pay_03_return_for_an_unknown_order_is_404(live_server, fake_gateway, db):
    status, body, _ = fetch(f"{live_server.url}/thanh-toan/ket-qua/vnpay/?vnp_TxnRef=nope")
    assert status == 404 and "Không tìm thấy" in body


def test_int_pay_02_gateway_refuses_a_redirect_whose_amount_was_changed(payment):
    tampered = payment.redirect_url.replace(f"vnp_Amount={ONLINE_FEES * 100}", "vnp_Amount=100")
    status, body, _ = fetch(tampered)
    assert status == 400 and "Sai chữ ký" in body


def test_int_pay_03_expired_payment(dossier, payment, fake_gateway):
    """The gateway refuses an order past vnp_ExpireDate; our sweep expires it; a late IPN changes nothing."""
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=40), expires_at=timezone.now() - timedelta(minutes=25)
    )
    order = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    past = (timezone.localtime() - timedelta(minutes=25)).strftime("%Y%m%d%H%M%S")
    expired_url = (
        f"{fake_gateway.pay_url}?{vnpay_query(vnpay_sign({**order, 'vnp_ExpireDate': past}, FAKE_GATEWAY_SECRET))}"
    )
    status, body, _ = fetch(expired_url)
    assert status == 400 and "quá thời gian" in body

    assert services.expire_stale() == 1
    payment.refresh_from_db()
    assert payment.state == "expired" and services.payment_state(dossier) == "expired"

    status, answer = fake_gateway.notify(fake_gateway.result_params(order, paid=True), sign=False)
    assert answer["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.state == "expired"

    # A new attempt opens a new order (the expired one is never reused).
    again = services.start_payment(
        dossier=dossier, provider_code="vnpay", return_url=payment.return_url, client_ip="203.0.113.7"
    )
    assert again.reference != payment.reference and again.state == "pending"


@pytest.mark.postgres
def test_int_pay_03_concurrent_duplicate_ipns_settle_exactly_once(payment, fake_gateway):
    """The same IPN delivered by eight connections at once: one "00", seven "02", one state change.
    PostgreSQL only: the in-memory SQLite test database is one connection shared by the live server's threads."""
    from concurrent.futures import ThreadPoolExecutor

    order = dict(parse_qsl(urlsplit(payment.redirect_url).query))
    result = fake_gateway.result_params(order, paid=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: fake_gateway.notify(result, sign=False)[1]["RspCode"], range(8)))

    assert sorted(answers) == ["00"] + ["02"] * 7
    payment.refresh_from_db()
    assert payment.state == "paid"
    assert ipn_verdicts(payment).count("confirmed") == 1

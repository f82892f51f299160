"""PayGov-type INIT / QUERY against the fake platform over real HTTP (INT-PAY-01, INT-PAY-02, INT-PAY-03, OS-FEE-03)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from motcua.core.errors import DomainError
from motcua.payments import services
from motcua.payments.models import Payment
from motcua.payments.signing import paygov_verify
from tests.payments.conftest import ONLINE_FEES, PAYGOV_SECRET
from tests.payments.http import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def start(dossier, live_server):
    return services.start_payment(
        dossier=dossier,
        provider_code="paygov",
        return_url=f"{live_server.url}/thanh-toan/ket-qua/paygov/",
        client_ip="203.0.113.9",
    )


def press(redirect_url, action):
    status, page, _ = fetch(redirect_url)
    assert status == 200 and "Thanh toán" in page
    return fetch(redirect_url, {"action": action})


def test_int_pay_02_init_is_checked_and_carries_the_receipt_block(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)

    init = fake_paygov.messages[0]
    assert (
        init["LoaiBanTin"] == "INIT" and init["SoTien"] == str(ONLINE_FEES) and init["MaThamChieu"] == payment.reference
    )
    assert paygov_verify(init, PAYGOV_SECRET)
    receipt = init["ThongTinBienLai"]
    assert receipt["MaHoSo"] == dossier.code and [fee["SoTien"] for fee in receipt["PhiLePhi"]] == [8_000, 5_000]
    assert payment.redirect_url.startswith(fake_paygov.base) and payment.provider_txn_id.startswith("PG")


def test_int_pay_03_return_triggers_a_query_that_marks_paid(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)

    status, body, _ = press(payment.redirect_url, "pay")

    assert status == 200 and "Đã thanh toán" in body
    assert [m["LoaiBanTin"] for m in fake_paygov.messages] == ["INIT", "QUERY"]
    assert paygov_verify(fake_paygov.messages[1], PAYGOV_SECRET)
    payment.refresh_from_db()
    assert payment.state == "paid" and services.is_paid(dossier)
    assert list(payment.events.values_list("kind", "verdict")) == [
        ("create", "created"),
        ("return", "display"),
        ("query", "confirmed"),
    ]


def test_int_pay_03_cancel_on_the_platform_cancels(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)
    status, body, _ = press(payment.redirect_url, "cancel")
    payment.refresh_from_db()
    assert payment.state == "cancelled" and "Đã hủy" in body


def test_int_pay_03_return_before_payment_leaves_it_pending(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)
    status, body, _ = fetch(f"{live_server.url}/thanh-toan/ket-qua/paygov/?MaThamChieu={payment.reference}")
    payment.refresh_from_db()
    assert status == 200 and payment.state == "pending" and "Đang chờ xác nhận" in body


def test_int_pay_03_unsigned_callback_only_triggers_a_query(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)
    fake_paygov.set_status(payment.reference, "00")

    def callback():
        request = urllib.request.Request(
            f"{live_server.url}/thanh-toan/ipn/paygov/",
            data=json.dumps({"MaThamChieu": payment.reference, "TrangThaiGD": "00"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            return json.loads(response.read())

    assert callback()["MaLoi"] == "00"
    payment.refresh_from_db()
    assert payment.state == "paid"
    assert callback()["MaLoi"] == "02"  # replay: nothing changes


def test_int_pay_03_query_amount_mismatch_is_not_paid(dossier, fake_paygov, live_server):
    payment = start(dossier, live_server)
    for order in fake_paygov.orders.values():
        order.update(TrangThaiGD="00", SoTien="1000")
    services.query_payment(payment)
    payment.refresh_from_db()
    assert payment.state == "pending"
    assert payment.events.filter(kind="query", verdict="bad_amount").exists()


def test_int_pay_02_wrong_secret_is_refused_by_the_platform_and_the_order_fails(
    dossier, fake_paygov, live_server, settings
):
    settings.MOTCUA_PAYMENTS = {"paygov": {**settings.MOTCUA_PAYMENTS["paygov"], "secret": "wrong-secret"}}
    with pytest.raises(DomainError) as caught:
        start(dossier, live_server)
    assert caught.value.status == 503
    failed = Payment.objects.get()
    assert failed.state == "failed" and failed.events.filter(kind="create", verdict="error").exists()


def test_int_pay_03_unreachable_platform_on_query_is_recorded_and_changes_nothing(
    dossier, fake_paygov, live_server, settings
):
    payment = start(dossier, live_server)
    settings.MOTCUA_PAYMENTS = {"paygov": {**settings.MOTCUA_PAYMENTS["paygov"], "url": "http://127.0.0.1:9/none"}}
    services.query_payment(payment)
    payment.refresh_from_db()
    assert payment.state == "pending" and payment.events.filter(kind="query", verdict="error").exists()

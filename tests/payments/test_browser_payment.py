"""A citizen pays on the fake gateway in a real browser (issue 5 item 4; INT-PAY-03, OS-FEE-03; WCAG via axe)."""

from __future__ import annotations

import pytest

from motcua.payments import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_int_pay_03_citizen_pays_on_the_gateway_and_sees_the_confirmed_result(
    request, viewport, dossier, fake_gateway, live_server, axe
):
    browser_page = request.getfixturevalue(viewport)
    payment = services.start_payment(
        dossier=dossier,
        provider_code="vnpay",
        return_url=f"{live_server.url}/thanh-toan/ket-qua/vnpay/",
        client_ip="127.0.0.1",
    )

    browser_page.goto(payment.redirect_url)
    assert browser_page.locator("#amount").inner_text() == "13.000 đ"
    assert axe(browser_page) == []
    browser_page.get_by_role("button", name="Thanh toán").click()

    browser_page.wait_for_url(f"{live_server.url}/thanh-toan/ket-qua/vnpay/*")
    status = browser_page.locator("#payment-status")
    assert "Đã thanh toán" in status.inner_text()
    assert dossier.code in browser_page.locator("main").inner_text()
    assert axe(browser_page) == []
    assert services.is_paid(dossier)


def test_int_pay_03_return_page_waits_for_the_ipn_and_updates_itself(page, dossier, fake_gateway, live_server):
    """The browser returns before the IPN: the page says it is waiting, then shows the IPN's verdict."""
    fake_gateway.send_ipn = False
    payment = services.start_payment(
        dossier=dossier,
        provider_code="vnpay",
        return_url=f"{live_server.url}/thanh-toan/ket-qua/vnpay/",
        client_ip="127.0.0.1",
    )
    page.goto(payment.redirect_url)
    page.get_by_role("button", name="Thanh toán").click()
    page.wait_for_url(f"{live_server.url}/thanh-toan/ket-qua/vnpay/*")
    assert "Đang chờ xác nhận" in page.locator("#payment-status").inner_text()
    assert not services.is_paid(dossier)

    assert fake_gateway.notify(fake_gateway.last_ipn, sign=False)[1]["RspCode"] == "00"

    page.locator("#payment-status .badge-ok").wait_for(timeout=10_000)
    assert "Đã thanh toán" in page.locator("#payment-status").inner_text()

"""The fake gateway as the demo runs it: a separate process started by `motcua fake-gateway` (issue 5 item 4)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from motcua.payments.demo import fake_gateway_command, fake_gateway_environment, gateway_port
from motcua.payments.signing import vnpay_query, vnpay_sign
from tests.payments.http import fetch


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_motcua_fake_gateway_command_serves_the_payment_page_with_the_demo_environment():
    port = free_port() - 1  # the gateway listens on port + 1
    env = {**os.environ, **fake_gateway_environment("127.0.0.1", port)}
    child = _started(port, env)
    try:
        base = f"http://127.0.0.1:{gateway_port(port)}"
        order = {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": env["MOTCUA_VNPAY_TMN_CODE"],
            "vnp_Amount": "800000",
            "vnp_CreateDate": "20250714153005",
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": "127.0.0.1",
            "vnp_Locale": "vn",
            "vnp_OrderInfo": "Thanh toan",
            "vnp_TxnRef": "T1",
            "vnp_ReturnUrl": f"http://127.0.0.1:{port}/thanh-toan/ket-qua/vnpay/",
        }
        signed = vnpay_query(vnpay_sign(order, env["MOTCUA_VNPAY_HASH_SECRET"]))
        status, page, _ = fetch(f"{env['MOTCUA_VNPAY_PAY_URL']}?{signed}")
        assert status == 200 and "8.000 đ" in page and "Thanh toán" in page and '<html lang="vi">' in page
        status, page, _ = fetch(f"{env['MOTCUA_VNPAY_PAY_URL']}?{signed.replace('800000', '100')}")
        assert status == 400 and "Sai chữ ký" in page
        # The same process serves the fake national payment platform (PayGov-type) for the demo.
        assert env["MOTCUA_PAYGOV_URL"].startswith(base)
        assert _post_json(env["MOTCUA_PAYGOV_URL"], {"MaDoiTac": "KHAC"})["MaLoi"] == "02"
        forged = {"MaDoiTac": env["MOTCUA_PAYGOV_PARTNER_CODE"], "LoaiBanTin": "QUERY", "MaXacThuc": "0" * 64}
        assert _post_json(env["MOTCUA_PAYGOV_URL"], forged)["MaLoi"] == "97"
    finally:
        child.terminate()
        child.wait(timeout=10)


def _post_json(url, message):
    request = urllib.request.Request(  # noqa: S310 (127.0.0.1)
        url, data=json.dumps(message).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.loads(response.read())


def _started(port, env):
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        fake_gateway_command(sys.executable, "127.0.0.1", port), env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{gateway_port(port)}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert child.poll() is None, "the fake gateway exited"
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return child


@pytest.mark.django_db
def test_int_pay_02_the_demo_process_settles_a_paygov_payment_end_to_end(dossier, settings):
    """The demo's gateway process, as `motcua demo` starts it, takes an INIT from our adapter, shows
    the payer page, sends the payer back unsigned, and answers the QUERY that settles the payment."""
    import http.client
    from urllib.parse import urlsplit

    from motcua.payments import services

    port = free_port() - 1
    env = {**os.environ, **fake_gateway_environment("127.0.0.1", port)}
    settings.MOTCUA_PAYMENTS = {
        "paygov": {
            "url": env["MOTCUA_PAYGOV_URL"],
            "partner_code": env["MOTCUA_PAYGOV_PARTNER_CODE"],
            "secret": env["MOTCUA_PAYGOV_SECRET"],
            "http_timeout": 5,
        }
    }
    child = _started(port, env)
    try:
        payment = services.start_payment(
            dossier=dossier,
            provider_code="paygov",
            return_url=env["MOTCUA_FAKE_PAYGOV_RETURN_URL"],
            client_ip="1.2.3.4",
        )
        assert payment.redirect_url.startswith(f"http://127.0.0.1:{gateway_port(port)}/thanh-toan/")
        status, page, _ = fetch(payment.redirect_url)
        assert status == 200 and "Thanh toán" in page
        target = urlsplit(payment.redirect_url)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=15)
        connection.request(
            "POST", target.path, body="action=pay", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        answer = connection.getresponse()
        assert answer.status == 302
        assert answer.getheader("Location").startswith(env["MOTCUA_FAKE_PAYGOV_RETURN_URL"] + "?MaThamChieu=")
        connection.close()
        # Our return page would now QUERY; the query's verified answer is what settles it.
        assert services.query_payment(payment).state == "paid"
    finally:
        child.terminate()
        child.wait(timeout=10)

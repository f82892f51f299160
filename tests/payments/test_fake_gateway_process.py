"""The fake gateway as the demo runs it: a separate process started by `motcua fake-gateway` (issue 5 item 4)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

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
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        fake_gateway_command(sys.executable, "127.0.0.1", port), env=env, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{gateway_port(port)}"
        deadline = time.monotonic() + 60  # Django starts first; CI machines can be slow
        while time.monotonic() < deadline:
            assert child.poll() is None, "the fake gateway exited"
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
            except urllib.error.HTTPError:
                break  # 404 on "/": it is up
            except OSError:
                time.sleep(0.1)
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

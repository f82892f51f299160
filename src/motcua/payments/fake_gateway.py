"""A fake VNPay-type payment gateway: a separate small web app for development, the demo and tests.

It speaks the protocol of formats.md §6.1 over real HTTP with the same signing helper as the adapter:

1. the browser arrives at `/paymentv2/vpcpay.html?<signed query>`; a bad signature, an unknown
   merchant, a missing field or an expired order gets an error page (HTTP 400);
2. the page (Vietnamese, accessible) offers "Thanh toán" and "Hủy giao dịch";
3. on either button the gateway first sends the signed IPN server-to-server to the merchant's IPN
   URL (GET, as VNPay does) and records the answer, then redirects the browser to `vnp_ReturnUrl`
   with the same signed result (so a test's browser lands after the IPN was settled).

    with FakeVnpayGateway(tmn_code="MOTCUA01", secret="s3cret", ipn_url=".../thanh-toan/ipn/vnpay/") as gw:
        gw.pay_url        # configure the adapter's pay_url with this
        gw.ipn_answers    # [(http status, JSON body), ...] from the merchant
        gw.last_ipn       # the last signed IPN parameters (to replay or tamper with)
        gw.notify(params, sign=True)  # send any IPN to the merchant, returns (status, body)

Run alone: `motcua fake-gateway --port 8001` or `python -m motcua.payments.fake_gateway --port 8001`
(options also from MOTCUA_VNPAY_TMN_CODE, MOTCUA_VNPAY_HASH_SECRET, MOTCUA_FAKE_GATEWAY_IPN_URL).
Standard library only, plus `motcua.payments.signing` (no Django).
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import make_server

from motcua.core.local_server import LocalWSGIServer, QuietHandler, ThreadingWSGIServer
from motcua.payments.signing import vnpay_query, vnpay_sign, vnpay_verify

PAY_PATH = "/paymentv2/vpcpay.html"
ACTION_PATH = "/paymentv2/xu-ly"
VIETNAM = timezone(timedelta(hours=7))
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CreateDate",
    "vnp_CurrCode",
    "vnp_IpAddr",
    "vnp_Locale",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_TxnRef",
)
MAX_BODY = 16 * 1024
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class FakeVnpayGateway(LocalWSGIServer):
    def __init__(
        self,
        tmn_code: str = "MOTCUA01",
        secret: str = "fake-gateway-secret",  # noqa: S107 (a development-only fake)
        ipn_url: str = "",
        host: str = "127.0.0.1",
        port: int = 0,
        send_ipn: bool = True,
    ) -> None:
        super().__init__(host, port)
        self.tmn_code = tmn_code
        self.secret = secret
        self.ipn_url = ipn_url
        self.send_ipn = send_ipn
        self.ipn_answers: list[tuple[int, Any]] = []
        self.last_ipn: dict[str, str] | None = None
        self._numbers = itertools.count(14_000_001)
        self._lock = threading.Lock()

    thread_name = "fake-vnpay"

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def pay_url(self) -> str:
        return self.url + PAY_PATH

    # --- the merchant side ----------------------------------------------------------------------
    def notify(self, params: dict[str, str], sign: bool = True) -> tuple[int, Any]:
        """Send an IPN (GET) to the merchant's IPN URL; returns (HTTP status, parsed JSON body)."""
        query = vnpay_query(vnpay_sign(params, self.secret)) if sign else urlencode(params)
        request = urllib.request.Request(f"{self.ipn_url}?{query}", method="GET")  # noqa: S310 (configured URL)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except OSError as exc:
            status, body = 0, json.dumps({"error": type(exc).__name__}).encode()
        try:
            answer: Any = json.loads(body)
        except ValueError:
            answer = body.decode("utf-8", "replace")
        with self._lock:
            self.ipn_answers.append((status, answer))
        return status, answer

    def result_params(self, order: dict[str, str], paid: bool, now: datetime | None = None) -> dict[str, str]:
        """The signed result of an order, as the gateway sends it to the return URL and the IPN."""
        now = now or datetime.now(VIETNAM)
        number = str(next(self._numbers))
        result = {
            "vnp_Amount": order["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": order["vnp_OrderInfo"],
            "vnp_PayDate": now.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S"),
            "vnp_ResponseCode": "00" if paid else "24",
            "vnp_TmnCode": order["vnp_TmnCode"],
            "vnp_TransactionNo": number if paid else "0",
            "vnp_TransactionStatus": "00" if paid else "02",
            "vnp_TxnRef": order["vnp_TxnRef"],
        }
        if paid:
            result["vnp_BankTranNo"] = f"VNP{number}"
        return vnpay_sign(result, self.secret)

    # --- WSGI -----------------------------------------------------------------------------------
    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == PAY_PATH and method == "GET":
            return self._payment_page(
                dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)), start_response
            )
        if path == ACTION_PATH and method == "POST":
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            form = dict(
                parse_qsl(environ["wsgi.input"].read(length).decode("utf-8", "replace"), keep_blank_values=True)
            )
            return self._act(form, start_response)
        return _page(start_response, "404 Not Found", "Không tìm thấy", "<p>Địa chỉ không tồn tại.</p>")

    def _check(self, order: dict[str, str]) -> str | None:
        """What is wrong with a payment request, in Vietnamese, or None."""
        missing = [name for name in REQUIRED if not order.get(name)]
        if missing:
            return "Thiếu tham số: " + ", ".join(missing)
        if order["vnp_TmnCode"] != self.tmn_code:
            return "Mã website (vnp_TmnCode) không tồn tại."
        if not vnpay_verify(order, self.secret):
            return "Sai chữ ký (vnp_SecureHash)."
        if not order["vnp_Amount"].isdigit() or int(order["vnp_Amount"]) <= 0:
            return "Số tiền không hợp lệ."
        expire = order.get("vnp_ExpireDate")
        if expire:
            try:
                deadline = datetime.strptime(expire, "%Y%m%d%H%M%S").replace(tzinfo=VIETNAM)
            except ValueError:
                return "Thời hạn thanh toán không hợp lệ."
            if datetime.now(VIETNAM) > deadline:
                return "Giao dịch đã quá thời gian chờ thanh toán."
        return None

    def _payment_page(self, order: dict[str, str], start_response: StartResponse) -> Iterable[bytes]:
        problem = self._check(order)
        if problem:
            return _page(
                start_response, "400 Bad Request", "Giao dịch không hợp lệ", f'<p role="alert">{_e(problem)}</p>'
            )
        amount = f"{int(order['vnp_Amount']) // 100:,} đ".replace(",", ".")
        hidden = _e(vnpay_query(order))
        body = f"""
<dl>
  <dt>Đơn vị chấp nhận thanh toán</dt><dd>{_e(order["vnp_TmnCode"])}</dd>
  <dt>Nội dung</dt><dd>{_e(order["vnp_OrderInfo"])}</dd>
  <dt>Mã đơn hàng</dt><dd>{_e(order["vnp_TxnRef"])}</dd>
  <dt>Số tiền</dt><dd id="amount">{amount}</dd>
</dl>
<form method="post" action="{ACTION_PATH}">
  <input type="hidden" name="order" value="{hidden}">
  <button type="submit" name="action" value="pay">Thanh toán</button>
  <button type="submit" name="action" value="cancel">Hủy giao dịch</button>
</form>"""
        return _page(start_response, "200 OK", "Cổng thanh toán thử nghiệm", body)

    def _act(self, form: dict[str, str], start_response: StartResponse) -> Iterable[bytes]:
        order = dict(parse_qsl(form.get("order", ""), keep_blank_values=True))
        problem = self._check(order)
        if problem:
            return _page(
                start_response, "400 Bad Request", "Giao dịch không hợp lệ", f'<p role="alert">{_e(problem)}</p>'
            )
        result = self.result_params(order, paid=form.get("action") == "pay")
        with self._lock:
            self.last_ipn = dict(result)
        if self.send_ipn and self.ipn_url:
            self.notify(result, sign=False)
        separator = "&" if "?" in order["vnp_ReturnUrl"] else "?"
        start_response("302 Found", [("Location", order["vnp_ReturnUrl"] + separator + vnpay_query(result))])
        return [b""]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(start_response: StartResponse, status: str, title: str, body: str) -> Iterable[bytes]:
    document = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} – cổng thanh toán thử nghiệm</title></head>
<body><main><h1>{_e(title)}</h1>
<p>Đây là cổng thanh toán giả lập để thử nghiệm; không có tiền thật được chuyển.</p>
{body}</main></body></html>"""
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])
    return [document.encode()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake VNPay-type payment gateway (development only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--tmn-code", default=os.environ.get("MOTCUA_VNPAY_TMN_CODE", "MOTCUA01"))
    parser.add_argument("--secret", default=os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "fake-gateway-secret"))
    parser.add_argument(
        "--ipn-url",
        default=os.environ.get("MOTCUA_FAKE_GATEWAY_IPN_URL", "http://127.0.0.1:8000/thanh-toan/ipn/vnpay/"),
    )
    parser.add_argument(
        "--paygov-return-url",
        default=os.environ.get("MOTCUA_FAKE_PAYGOV_RETURN_URL", ""),
        help="Also serve the fake PayGov-type platform (INIT/QUERY) on the same port, sending payers back here.",
    )
    args = parser.parse_args(argv)
    gateway = FakeVnpayGateway(args.tmn_code, args.secret, args.ipn_url, args.host, args.port)
    app = gateway.app
    if args.paygov_return_url:
        app = _with_paygov(app, args)
    server = make_server(args.host, args.port, app, ThreadingWSGIServer, QuietHandler)
    print(f"fake payment gateway on http://{args.host}:{args.port}{PAY_PATH} -> IPN {args.ipn_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _with_paygov(vnpay_app: Any, args: argparse.Namespace) -> Any:
    """One WSGI app for both fakes: the PayGov-type platform's paths, the VNPay-type gateway's otherwise."""
    from motcua.payments import fake_paygov

    platform = fake_paygov.FakePaygov(
        partner_code=os.environ.get("MOTCUA_PAYGOV_PARTNER_CODE", "MOTCUA"),
        secret=os.environ.get("MOTCUA_PAYGOV_SECRET", "fake-paygov-secret"),
        return_url=args.paygov_return_url,
        public_url=f"http://{args.host}:{args.port}",
    )

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == fake_paygov.API_PATH or path.startswith(fake_paygov.PAYER_PATH):
            return platform.app(environ, start_response)
        return vnpay_app(environ, start_response)  # type: ignore[no-any-return]

    print(f"fake national payment platform on http://{args.host}:{args.port}{fake_paygov.API_PATH}", flush=True)
    return app


if __name__ == "__main__":
    main()

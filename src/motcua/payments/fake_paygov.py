"""A fake national payment platform (PayGov-type INIT / QUERY, formats.md §6.2) over real HTTP, for tests.

    with FakePaygov(partner_code="MOTCUA", secret="s", return_url=".../thanh-toan/ket-qua/paygov/") as pg:
        pg.url            # the adapter's `url` (JSON messages are POSTed here)
        pg.messages       # every message received, as parsed
        pg.status_of(ref) # TrangThaiGD of an order

INIT and QUERY are checked (partner, `MaXacThuc`); a wrong check value answers `MaLoi` "97". The
payer page `/thanh-toan/<MaGiaoDich>` offers "Thanh toán" / "Hủy giao dịch", then sends the browser
to `return_url?MaThamChieu=...` (unsigned, as the platform does: the merchant must QUERY).
Statuses: "01" pending, "00" paid, "03" cancelled. Standard library plus `motcua.payments.signing`.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote

from motcua.core.local_server import LocalWSGIServer
from motcua.payments.fake_gateway import MAX_BODY, StartResponse, _e, _page
from motcua.payments.signing import paygov_verify

API_PATH = "/api/thanh-toan"
PAYER_PATH = "/thanh-toan/"


class FakePaygov(LocalWSGIServer):
    def __init__(
        self,
        partner_code: str = "MOTCUA",
        secret: str = "fake-paygov-secret",  # noqa: S107 (a development-only fake)
        return_url: str = "",
        public_url: str = "",
    ) -> None:
        super().__init__()
        # Where payers reach this fake when it is served by another server (the demo's gateway process).
        self.public_url = public_url.rstrip("/")
        self.partner_code = partner_code
        self.secret = secret
        self.return_url = return_url
        self.messages: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}  # MaGiaoDich -> order
        self._numbers = itertools.count(9_000_001)
        self._lock = threading.Lock()

    thread_name = "fake-paygov"

    @property
    def base(self) -> str:
        return self.public_url or self.base_url

    @property
    def url(self) -> str:
        return self.base + API_PATH

    def status_of(self, reference: str) -> str | None:
        for order in self.orders.values():
            if order["MaThamChieu"] == reference:
                return str(order["TrangThaiGD"])
        return None

    def set_status(self, reference: str, status: str) -> None:
        with self._lock:
            for order in self.orders.values():
                if order["MaThamChieu"] == reference:
                    order["TrangThaiGD"] = status

    # --- WSGI -----------------------------------------------------------------------------------
    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        body = environ["wsgi.input"].read(length) if method == "POST" else b""
        if path == API_PATH and method == "POST":
            return self._api(body, start_response)
        if path.startswith(PAYER_PATH):
            order = self.orders.get(path[len(PAYER_PATH) :])
            if order is None:
                return _page(start_response, "404 Not Found", "Không tìm thấy giao dịch", "")
            if method == "POST":
                form = dict(parse_qsl(body.decode("utf-8", "replace")))
                return self._act(order, form.get("action", ""), start_response)
            return self._payer_page(order, start_response)
        return _page(start_response, "404 Not Found", "Không tìm thấy", "")

    def _api(self, body: bytes, start_response: StartResponse) -> Iterable[bytes]:
        try:
            message = json.loads(body)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            return _json(start_response, {"MaLoi": "99", "MoTaLoi": "Bản tin không hợp lệ"})
        with self._lock:
            self.messages.append(message)
        if message.get("MaDoiTac") != self.partner_code:
            return _json(start_response, {"MaLoi": "02", "MoTaLoi": "Đối tác không tồn tại"})
        if not paygov_verify(message, self.secret):
            return _json(start_response, {"MaLoi": "97", "MoTaLoi": "Sai mã xác thực"})
        kind = message.get("LoaiBanTin")
        if kind == "INIT":
            return self._init(message, start_response)
        if kind == "QUERY":
            found = [o for o in self.orders.values() if o["MaThamChieu"] == message.get("MaThamChieu")]
            if not found:
                return _json(start_response, {"MaLoi": "01", "MoTaLoi": "Không tìm thấy giao dịch"})
            order = found[0]
            answer = {key: order[key] for key in ("MaThamChieu", "MaGiaoDich", "TrangThaiGD", "SoTien")}
            return _json(start_response, {"MaLoi": "00", "MoTaLoi": "Thành công", **answer})
        return _json(start_response, {"MaLoi": "99", "MoTaLoi": "Loại bản tin không hỗ trợ"})

    def _init(self, message: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not str(message.get("SoTien", "")).isdigit():
            return _json(start_response, {"MaLoi": "04", "MoTaLoi": "Số tiền không hợp lệ"})
        with self._lock:
            if any(o["MaThamChieu"] == message.get("MaThamChieu") for o in self.orders.values()):
                return _json(start_response, {"MaLoi": "03", "MoTaLoi": "Trùng mã tham chiếu"})
            number = f"PG{next(self._numbers)}"
            self.orders[number] = {
                "MaThamChieu": message["MaThamChieu"],
                "MaGiaoDich": number,
                "SoTien": str(message["SoTien"]),
                "TrangThaiGD": "01",
                "ThongTinGiaoDich": message.get("ThongTinGiaoDich", ""),
            }
        url = f"{self.base}{PAYER_PATH}{number}"
        return _json(
            start_response, {"MaLoi": "00", "MoTaLoi": "Thành công", "MaGiaoDich": number, "UrlThanhToan": url}
        )

    def _payer_page(self, order: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        amount = f"{int(order['SoTien']):,} đ".replace(",", ".")
        body = f"""
<dl><dt>Nội dung</dt><dd>{_e(order["ThongTinGiaoDich"])}</dd><dt>Số tiền</dt><dd>{amount}</dd></dl>
<form method="post">
  <button type="submit" name="action" value="pay">Thanh toán</button>
  <button type="submit" name="action" value="cancel">Hủy giao dịch</button>
</form>"""
        return _page(start_response, "200 OK", "Nền tảng thanh toán thử nghiệm", body)

    def _act(self, order: dict[str, Any], action: str, start_response: StartResponse) -> Iterable[bytes]:
        with self._lock:
            if order["TrangThaiGD"] == "01":
                order["TrangThaiGD"] = "00" if action == "pay" else "03"
        start_response("302 Found", [("Location", f"{self.return_url}?MaThamChieu={quote(order['MaThamChieu'])}")])
        return [b""]


def _json(start_response: StartResponse, data: dict[str, Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
    return [json.dumps(data, ensure_ascii=False).encode()]

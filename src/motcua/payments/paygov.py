"""National payment platform adapter (PayGov-type INIT / QUERY, formats.md §6.2).

INIT creates the transaction and answers `UrlThanhToan` (where the payer goes); the payer's return
carries no signature, so on return or callback we send QUERY and settle only on a successful
`TrangThaiGD` (or a failure/cancel status) in a well-formed answer. Messages are JSON over HTTPS
POST to the configured `url`; `MaXacThuc` is the SHA-256 check value of formats.md §6.2.

Options (environment or `settings.MOTCUA_PAYMENTS["paygov"]`): `url`, `partner_code`, `secret`,
`channel_code` (MaKenhThanhToan), `device_code` (MaThietBi), `bank_code`, `timeout_minutes`,
`http_timeout` (seconds), `enabled`.

**verify**: the status values below (`00` paid, `01` pending, `02` failed, `03` cancelled) and
the JSON-over-POST transport are our reading; check them against the partner specification.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.payments.providers import Callback, Outcome, PaymentProvider, Verdict, providers
from motcua.payments.signing import paygov_check_value

if TYPE_CHECKING:
    from motcua.payments.models import Payment

VERSION = "1.0.6"
OK = "00"
STATUS_OUTCOMES = {"00": Outcome.SUCCESS, "01": Outcome.PENDING, "02": Outcome.FAILED, "03": Outcome.CANCELLED}
MAX_ANSWER_BYTES = 64 * 1024


class PaygovError(RuntimeError):
    pass


def paygov_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")


@providers.register("paygov")
class PaygovProvider(PaymentProvider):
    label = gettext_lazy("Nền tảng thanh toán quốc gia")
    query_on_return = True

    def check_config(self) -> str | None:
        options = self.options
        missing = [name for name in ("url", "partner_code", "secret") if not options.get(name)]
        if missing:
            return _("Nền tảng thanh toán thiếu cấu hình: %(names)s.") % {"names": ", ".join(missing)}
        if not str(options["url"]).startswith(("https://", "http://")):
            return _("Địa chỉ nền tảng thanh toán phải bắt đầu bằng https://.")
        return None

    # --- messages -------------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> dict[str, Any]:
        options = self.options
        message["MaXacThuc"] = paygov_check_value(message, str(options["secret"]))
        request = urllib.request.Request(  # noqa: S310 (configured https URL)
            str(options["url"]),
            data=json.dumps(message, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=float(options.get("http_timeout", 10))) as response:  # noqa: S310
                body = response.read(MAX_ANSWER_BYTES + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise PaygovError(f"paygov unreachable: {type(exc).__name__}") from None
        if len(body) > MAX_ANSWER_BYTES:
            raise PaygovError("paygov answer too large")
        try:
            answer = json.loads(body)
        except ValueError:
            raise PaygovError("paygov answer is not JSON") from None
        if not isinstance(answer, dict):
            raise PaygovError("paygov answer is not an object")
        return answer

    def create_payment(self, payment: Payment, client_ip: str, now: datetime) -> str:
        options = self.options
        dossier = payment.dossier
        version = dossier.procedure_version
        message: dict[str, Any] = {
            "LoaiBanTin": "INIT",
            "PhienBan": VERSION,
            "MaDoiTac": str(options["partner_code"]),
            "MaThamChieu": payment.reference,
            "SoTien": str(payment.amount),
            "LoaiHinhThanhToan": "PAY",
            "MaKenhThanhToan": str(options.get("channel_code", "WEB")),
            "MaThietBi": str(options.get("device_code", "WEB")),
            "NgonNgu": "vi-VN",
            "MaTienTe": "VND",
            "MaNganHang": str(options.get("bank_code", "")),
            "ThongTinGiaoDich": f"Thanh toan phi le phi ho so {dossier.code}",
            "ThoiGianGD": paygov_time(now),
            "Ip": client_ip or "127.0.0.1",
            "ThongTinBienLai": {
                "MaDVC": version.procedure.procedure_code,
                "MaTTHC": version.procedure.procedure_code,
                "TenTTHC": version.name,
                "MaHoSo": dossier.code,
                "MaDonVi": dossier.competent_agency.code,
                "HoTenNguoiNop": dossier.applicant_name,
                "NoiDungThanhToan": f"Phí, lệ phí hồ sơ {dossier.code}",
                "PhiLePhi": [
                    {"MaPhiLePhi": line["code"], "TenPhiLePhi": line["name"], "SoTien": line["amount"]}
                    for line in payment.fee_lines
                ],
            },
        }
        try:
            answer = self._send(message)
        except PaygovError as exc:
            raise _unavailable() from exc
        url = str(answer.get("UrlThanhToan") or "")
        if answer.get("MaLoi") != OK or not url.startswith(("https://", "http://")):
            raise _unavailable()
        payment.provider_txn_id = str(answer.get("MaGiaoDich") or "")[:100]
        return url

    def query(self, payment: Payment) -> Callback | None:
        options = self.options
        message = {
            "LoaiBanTin": "QUERY",
            "PhienBan": VERSION,
            "MaDoiTac": str(options["partner_code"]),
            "MaThamChieu": payment.reference,
            "ThoiGianGD": paygov_time(timezone.now()),
        }
        try:
            answer = self._send(message)
        except PaygovError as exc:
            return Callback(reference=payment.reference, verified=False, params={"error": str(exc)})
        ok = answer.get("MaLoi") == OK and answer.get("MaThamChieu", payment.reference) == payment.reference
        status = str(answer.get("TrangThaiGD", ""))
        raw_amount = answer.get("SoTien")
        amount = int(raw_amount) if str(raw_amount).isdigit() else None
        return Callback(
            reference=payment.reference,
            verified=ok,
            outcome=STATUS_OUTCOMES.get(status, Outcome.PENDING) if ok else Outcome.PENDING,
            amount=amount,
            provider_code=status,
            provider_txn_id=str(answer.get("MaGiaoDich") or ""),
            params={key: value for key, value in answer.items() if key != "MaXacThuc"},
        )

    def verify_return(self, params: dict[str, str]) -> Callback:
        # The return is not signed: it only names the order; the QUERY that follows decides.
        return Callback(reference=params.get("MaThamChieu", ""), verified=False, params=params)

    def handle_notification(self, params: dict[str, str]) -> Callback:
        # A callback is a hint to query; its own content is never trusted.
        return Callback(reference=params.get("MaThamChieu", ""), verified=False, params=params)

    def notification_response(self, verdict: Verdict) -> tuple[dict[str, str], int]:
        codes = {Verdict.CONFIRMED: "00", Verdict.NOT_FOUND: "01", Verdict.ALREADY_CONFIRMED: "02"}
        code = codes.get(verdict, "99")
        return {"MaLoi": code, "MoTaLoi": verdict.value}, 200


def _unavailable() -> Exception:
    from motcua.core.errors import DomainError

    return DomainError(
        "provider_unavailable", _("Nền tảng thanh toán tạm thời không phản hồi; vui lòng thử lại sau."), status=503
    )

"""VNPay-type adapter: HMAC-SHA512-signed redirect, display-only return, authoritative IPN (formats.md §6.1).

Options (environment or `settings.MOTCUA_PAYMENTS["vnpay"]`): `tmn_code`, `hash_secret`, `pay_url`,
`timeout_minutes`, `enabled`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.payments.providers import Callback, Outcome, PaymentProvider, Verdict, providers
from motcua.payments.signing import vnpay_query, vnpay_sign, vnpay_verify

if TYPE_CHECKING:
    from motcua.payments.models import Payment

VERSION = "2.1.0"
SUCCESS = "00"
CUSTOMER_CANCELLED = "24"
RESPONSES: dict[Verdict, tuple[str, str]] = {
    Verdict.CONFIRMED: ("00", "Confirm Success"),
    Verdict.NOT_FOUND: ("01", "Order not found"),
    Verdict.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    Verdict.BAD_AMOUNT: ("04", "Invalid amount"),
    Verdict.BAD_SIGNATURE: ("97", "Invalid signature"),
    Verdict.ERROR: ("99", "Unknown error"),
}


def vnpay_time(moment: datetime) -> str:
    """`yyyyMMddHHmmss` in Vietnam time (formats.md §1)."""
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")


@providers.register("vnpay")
class VnpayProvider(PaymentProvider):
    label = "VNPay"

    def check_config(self) -> str | None:
        options = self.options
        missing = [name for name in ("tmn_code", "hash_secret", "pay_url") if not options.get(name)]
        if missing:
            return _("Cổng VNPay thiếu cấu hình: %(names)s.") % {"names": ", ".join(missing)}
        if not str(options["pay_url"]).startswith(("https://", "http://")):
            return _("Địa chỉ cổng VNPay phải bắt đầu bằng https://.")
        return None

    def create_payment(self, payment: Payment, client_ip: str, now: datetime) -> str:
        options = self.options
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": str(options["tmn_code"]),
            "vnp_Amount": str(payment.amount * 100),  # VND x 100
            "vnp_CreateDate": vnpay_time(now),
            "vnp_ExpireDate": vnpay_time(payment.expires_at or now + timedelta(minutes=15)),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_Locale": "vn",
            # No diacritics and no personal data: the gateway shows and stores this text.
            "vnp_OrderInfo": f"Thanh toan phi le phi ho so {payment.dossier.code}",
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": payment.return_url,
            "vnp_TxnRef": payment.reference,
        }
        signed = vnpay_sign(params, str(options["hash_secret"]))
        return f"{options['pay_url']}?{vnpay_query(signed)}"

    def _parse(self, params: dict[str, str]) -> Callback:
        verified = vnpay_verify(params, str(self.options.get("hash_secret") or ""))
        code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", code)
        if code == SUCCESS and status == SUCCESS:
            outcome = Outcome.SUCCESS
        elif code == CUSTOMER_CANCELLED:
            outcome = Outcome.CANCELLED
        else:
            outcome = Outcome.FAILED
        raw_amount = params.get("vnp_Amount", "")
        amount = None
        if raw_amount.isdigit():
            hundredths = int(raw_amount)
            # An amount that is not a whole number of VND can never match ours.
            amount = hundredths // 100 if hundredths % 100 == 0 else -1
        return Callback(
            reference=params.get("vnp_TxnRef", ""),
            verified=verified,
            outcome=outcome,
            amount=amount if amount is not None else -1,
            provider_code=code,
            provider_txn_id=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            params=params,
        )

    def verify_return(self, params: dict[str, str]) -> Callback:
        return self._parse(params)

    def handle_notification(self, params: dict[str, str]) -> Callback:
        return self._parse(params)

    def notification_response(self, verdict: Verdict) -> tuple[dict[str, str], int]:
        code, message = RESPONSES[verdict]
        # The gateway reads the JSON body; the HTTP status stays 200 for every verdict.
        return {"RspCode": code, "Message": message}, 200

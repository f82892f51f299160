"""Payment providers behind a registry (DESIGN rule 5; INT-PAY-03).

A provider is a class registered with `@providers.register("code")` (duplicate codes are refused)
implementing the INT-PAY-03 interface:

- `create_payment(payment, client_ip, now) -> redirect URL` (may set `payment.provider_txn_id`);
- `verify_return(params) -> Callback` — browser return, display only;
- `handle_notification(params) -> Callback` — server-to-server notification, parsed and verified;
- `query(payment) -> Callback | None` — ask the provider for the status (None: not supported);
- `notification_response(verdict) -> (body, http status)` — the answer the provider expects;
- `check_config() -> str | None` — one Vietnamese sentence saying what is wrong, or None.

Options come from the environment (secrets never live in the database) and may be overridden per
provider with `settings.MOTCUA_PAYMENTS = {"vnpay": {...}}` (tests use that with settings overrides).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings

from motcua.notifications.channels import Registry

if TYPE_CHECKING:
    from motcua.payments.models import Payment


class Verdict(StrEnum):
    """What we concluded about one notification; each provider maps it to its own reply."""

    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    BAD_AMOUNT = "bad_amount"
    BAD_SIGNATURE = "bad_signature"
    ERROR = "error"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PENDING = "pending"


@dataclass
class Callback:
    """A parsed provider message (return, notification or query answer)."""

    reference: str
    verified: bool
    outcome: Outcome = Outcome.PENDING
    amount: int | None = None  # VND
    provider_code: str = ""
    provider_txn_id: str = ""
    bank_code: str = ""
    params: dict[str, Any] = field(default_factory=dict)


class PaymentProvider:
    id: ClassVar[str]
    label: ClassVar[str] = ""
    #: True when the browser return may be trusted only after a server-side query (PayGov-type).
    query_on_return: ClassVar[bool] = False

    @property
    def options(self) -> dict[str, Any]:
        return provider_options(self.id)

    @property
    def enabled(self) -> bool:
        return bool(self.options.get("enabled", True)) and self.check_config() is None

    def check_config(self) -> str | None:
        raise NotImplementedError

    def create_payment(self, payment: Payment, client_ip: str, now: datetime) -> str:
        raise NotImplementedError

    def verify_return(self, params: dict[str, str]) -> Callback:
        raise NotImplementedError

    def handle_notification(self, params: dict[str, str]) -> Callback:
        raise NotImplementedError

    def query(self, payment: Payment) -> Callback | None:
        return None

    def notification_response(self, verdict: Verdict) -> tuple[dict[str, str], int]:
        raise NotImplementedError


providers: Registry[PaymentProvider] = Registry("payment provider")

# Environment variables per provider option; secrets are read here and nowhere else.
ENVIRONMENT: dict[str, dict[str, str]] = {
    "vnpay": {
        "enabled": "MOTCUA_VNPAY_ENABLED",
        "tmn_code": "MOTCUA_VNPAY_TMN_CODE",
        "hash_secret": "MOTCUA_VNPAY_HASH_SECRET",
        "pay_url": "MOTCUA_VNPAY_PAY_URL",
        "timeout_minutes": "MOTCUA_VNPAY_TIMEOUT_MINUTES",
        "ipn_allowed_ips": "MOTCUA_VNPAY_IPN_ALLOWED_IPS",
    },
    "paygov": {
        "enabled": "MOTCUA_PAYGOV_ENABLED",
        "url": "MOTCUA_PAYGOV_URL",
        "partner_code": "MOTCUA_PAYGOV_PARTNER_CODE",
        "secret": "MOTCUA_PAYGOV_SECRET",
        "timeout_minutes": "MOTCUA_PAYGOV_TIMEOUT_MINUTES",
        "ipn_allowed_ips": "MOTCUA_PAYGOV_IPN_ALLOWED_IPS",
    },
}
_FALSE = {"0", "false", "no", "off", ""}


def provider_options(code: str) -> dict[str, Any]:
    """Options of one provider: environment first, then `settings.MOTCUA_PAYMENTS[code]` on top."""
    options: dict[str, Any] = {}
    for option, variable in ENVIRONMENT.get(code, {}).items():
        value = os.environ.get(variable)
        if value is None:
            continue
        options[option] = value.strip().lower() not in _FALSE if option == "enabled" else value
    overrides = (getattr(settings, "MOTCUA_PAYMENTS", None) or {}).get(code) or {}
    options.update(overrides)
    return options


def get_provider(code: str) -> PaymentProvider:
    """The provider registered under `code` (KeyError when there is none)."""
    _load_builtin()
    return providers.get(code)


def enabled_providers() -> list[PaymentProvider]:
    """Providers that are enabled and correctly configured, for the portal's choice of gateway."""
    _load_builtin()
    found = [providers.get(code) for code in providers.ids()]
    return [provider for provider in found if provider.enabled]


def _load_builtin() -> None:
    # Importing the adapter modules registers them (once; later imports are no-ops).
    from motcua.payments import paygov, vnpay  # noqa: F401

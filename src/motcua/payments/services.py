"""Online fee payment services for the portal and the officials' screens (OS-FEE-*, INT-PAY-*).

The portal calls only these functions:

- `fees_due(dossier) -> int` — VND still to pay online for the dossier (0 when nothing or paid);
- `start_payment(dossier=, provider_code=, return_url=, client_ip=) -> Payment` — `.redirect_url`
  is where to send the browser;
- `handle_return(provider_code, params) -> Payment` — browser return, for display only (for
  PayGov-type providers it triggers a server-side QUERY, which is authoritative);
- `handle_ipn(provider_code, params) -> (body, http_status)` — the server-to-server notification,
  the only thing (with a query) that marks a payment paid (OS-FEE-03);
- `payment_state(dossier) -> str` and `is_paid(dossier) -> bool`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import FeeChannel
from motcua.core import audit
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.payments.models import SETTLED_STATES, Payment, PaymentEvent, PaymentState
from motcua.payments.providers import Callback, Outcome, PaymentProvider, Verdict, enabled_providers, get_provider

log = logging.getLogger("motcua.payments")

DEFAULT_TIMEOUT_MINUTES = 15
# Our own expiry waits a little past the gateway's, so a payment made in the last second is not lost.
EXPIRY_GRACE = timedelta(minutes=5)
STALE_QUERY_AFTER = timedelta(minutes=15)
NO_PAYMENT = "none"


def fee_lines(dossier: Any) -> list[dict[str, Any]]:
    """Fee lines of the dossier's pinned procedure version that apply to online submission (OS-FEE-02)."""
    rows = dossier.procedure_version.fees.filter(
        channel__in=[FeeChannel.ALL, FeeChannel.ONLINE], is_exempt=False, amount__gt=0
    ).order_by("order", "id")
    return [{"code": fee.code, "name": fee.name, "kind": fee.kind, "amount": int(fee.amount)} for fee in rows]


# A dossier that ended without being handled (not accepted, withdrawn, stopped) owes nothing more.
CLOSED_DOSSIER_STATES = frozenset({"not_accepted", "withdrawn", "stopped"})


def fees_due(dossier: Any) -> int:
    """VND the applicant still has to pay online for `dossier`: the total of its online fee lines,
    or 0 when there are none, a payment is already `paid`, or the dossier was closed unhandled."""
    if dossier.status in CLOSED_DOSSIER_STATES or is_paid(dossier):
        return 0
    return sum(line["amount"] for line in fee_lines(dossier))


def start_payment(*, dossier: Any, provider_code: str, return_url: str, client_ip: str) -> Payment:
    """Create a pending payment of the fees due and return it; `payment.redirect_url` is the
    provider's page to send the browser to.

    A pending, unexpired payment of the same dossier with the same provider is returned again
    instead of creating a second order (a double click never charges twice). Raises `Conflict`
    when the dossier is already paid or owes nothing, `ValidationFailed` for an unknown or
    disabled provider or a bad return URL.
    """
    provider = _enabled_provider(provider_code)
    if not return_url.startswith(("http://", "https://")) or len(return_url) > 1000:
        raise ValidationFailed(_("Địa chỉ quay lại không hợp lệ."))
    now = timezone.now()
    with transaction.atomic():
        # Lock the dossier row so two clicks cannot open two orders at once.
        type(dossier).objects.select_for_update().filter(pk=dossier.pk).first()
        if is_paid(dossier):
            raise Conflict("already_paid", _("Hồ sơ đã được thanh toán phí, lệ phí."))
        if dossier.status in CLOSED_DOSSIER_STATES:
            raise Conflict("dossier_closed", _("Hồ sơ đã kết thúc; không thu phí, lệ phí."))
        lines = fee_lines(dossier)
        amount = sum(line["amount"] for line in lines)
        if amount <= 0:
            raise Conflict("nothing_to_pay", _("Hồ sơ này không phải nộp phí, lệ phí trực tuyến."))
        existing = (
            Payment.objects.filter(
                dossier=dossier, provider=provider.id, state=PaymentState.PENDING, expires_at__gt=now, amount=amount
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            if not existing.redirect_url:  # the other click is still talking to the provider
                raise Conflict("payment_starting", _("Giao dịch đang được khởi tạo; vui lòng thử lại sau giây lát."))
            return existing
        minutes = int(provider.options.get("timeout_minutes") or DEFAULT_TIMEOUT_MINUTES)
        payment = Payment.objects.create(
            dossier=dossier,
            provider=provider.id,
            reference=new_reference(now),
            amount=amount,
            fee_lines=lines,
            return_url=return_url,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        _record(payment, provider.id, "create", payment.reference, {}, "created", "", "", PaymentState.PENDING, now)
    # Outside the transaction: a provider call (PayGov INIT is HTTP) must not hold the dossier lock.
    try:
        redirect_url = provider.create_payment(payment, client_ip, now)
    except Exception:
        if _transition(payment, PaymentState.FAILED, timezone.now()):
            _record(
                payment,
                provider.id,
                "create",
                payment.reference,
                {},
                Verdict.ERROR,
                "provider refused INIT",
                PaymentState.PENDING,
                PaymentState.FAILED,
                timezone.now(),
            )
        raise
    payment.redirect_url = redirect_url
    Payment.objects.filter(pk=payment.pk).update(redirect_url=redirect_url, provider_txn_id=payment.provider_txn_id)
    log.info("payment.created", extra={"reference": payment.reference, "provider": provider.id})
    return payment


def handle_return(provider_code: str, params: dict[str, str]) -> Payment:
    """The browser came back from the provider: record it and return the payment for display.

    The return never marks a VNPay-type payment paid (INT-PAY-03: display only); the attributes
    `return_verified` (signature valid) and `return_outcome` (what the provider says, an
    `Outcome` value, only when verified) are set on the returned object for the page. For
    PayGov-type providers the return carries no signature, so a QUERY is sent and its verified
    answer settles the payment. Raises `NotFound` for an unknown order.
    """
    provider = _provider(provider_code)
    params = _plain(params)
    callback = provider.verify_return(params)
    now = timezone.now()
    payment = Payment.objects.filter(reference=callback.reference, provider=provider.id).first()
    if payment is None:
        _record(None, provider.id, "return", callback.reference, params, "not_found", "unknown order", "", "", now)
        raise NotFound("payment_not_found", _("Không tìm thấy giao dịch thanh toán."))
    reason = "" if callback.verified else "invalid signature; ignored"
    _record(payment, provider.id, "return", callback.reference, params, "display", reason, "", "", now)
    if provider.query_on_return and payment.state == PaymentState.PENDING:
        payment = query_payment(payment) or payment
    payment.return_verified = callback.verified  # type: ignore[attr-defined]
    payment.return_outcome = callback.outcome.value if callback.verified else None  # type: ignore[attr-defined]
    return payment


def handle_ipn(provider_code: str, params: dict[str, str]) -> tuple[dict[str, str], int]:
    """Server-to-server notification: verify, settle at most once, record, answer the provider.

    Checks in order: signature (constant time), order exists, amount equals ours, order not yet
    settled (a replay answers "already confirmed" and changes nothing), then applies the outcome.
    Every notification is stored with its raw parameters and our verdict. Returns the body and
    HTTP status the provider expects (formats.md §6.1 codes for VNPay-type providers).
    """
    try:
        provider = get_provider(provider_code)
    except KeyError:
        raise NotFound("provider_not_found", _("Không có cổng thanh toán này.")) from None
    params = _plain(params)
    now = timezone.now()
    try:
        callback = provider.handle_notification(params)
    except Exception:  # a malformed message must still be answered and recorded
        log.exception("payment.ipn_unreadable", extra={"provider": provider.id})
        _record(None, provider.id, "ipn", "", params, Verdict.ERROR, "unreadable message", "", "", now)
        return provider.notification_response(Verdict.ERROR)
    if provider.query_on_return:
        verdict = _callback_then_query(provider, callback, params, now)
    else:
        verdict = _settle_notification(provider, callback, params, now)
    return provider.notification_response(verdict)


def query_payment(payment: Payment) -> Payment | None:
    """Ask the provider for the status of a pending payment and settle it on a verified answer
    (INT-PAY-03: pending > 15 min -> query). Returns the refreshed payment, or None when the
    provider has no query."""
    provider = _provider(payment.provider)
    callback = provider.query(payment)
    if callback is None:
        return None
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(last_queried_at=now)
    if not callback.verified:
        _record(
            payment,
            provider.id,
            "query",
            payment.reference,
            callback.params,
            Verdict.ERROR,
            "no valid answer",
            payment.state,
            payment.state,
            now,
        )
        return Payment.objects.get(pk=payment.pk)
    _settle(provider, callback, callback.params, now, kind="query")
    return Payment.objects.get(pk=payment.pk)


def expire_stale(now: datetime | None = None) -> int:
    """Settle pending payments left too long: query providers that can answer, expire the rest
    once past their deadline plus a grace period. Returns how many were expired."""
    now = now or timezone.now()
    expired = 0
    stale = Payment.objects.filter(state=PaymentState.PENDING, created_at__lt=now - STALE_QUERY_AFTER)
    for payment in stale.order_by("created_at")[:500]:
        refreshed = query_payment(payment)
        if refreshed is not None and refreshed.state != PaymentState.PENDING:
            continue
        if payment.expires_at + EXPIRY_GRACE < now:
            with transaction.atomic():
                locked = Payment.objects.select_for_update().get(pk=payment.pk)
                if locked.state == PaymentState.PENDING and _transition(locked, PaymentState.EXPIRED, now):
                    _record(
                        locked,
                        locked.provider,
                        "expire",
                        locked.reference,
                        {},
                        "expired",
                        "timeout",
                        PaymentState.PENDING,
                        PaymentState.EXPIRED,
                        now,
                    )
                    expired += 1
    return expired


def payment_state(dossier: Any) -> str:
    """`paid` when any payment of the dossier is paid, else the state of its latest payment
    (`pending`, `failed`, `expired`, `cancelled`, `refunded`), or `none` when it has none."""
    states = list(
        Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id").values_list("state", flat=True)
    )
    if not states:
        return NO_PAYMENT
    if PaymentState.PAID in states:
        return PaymentState.PAID.value
    return str(states[0])


def is_paid(dossier: Any) -> bool:
    """True when a payment of the dossier was confirmed by a verified notification or query."""
    return Payment.objects.filter(dossier=dossier, state=PaymentState.PAID).exists()


def provider_choices() -> list[tuple[str, str]]:
    """(code, label) of the providers the citizen may choose from, in registry order: those that
    are enabled and correctly configured (VNPay-type gateway, national payment platform, ...)."""
    return [(provider.id, str(provider.label or provider.id)) for provider in enabled_providers()]


def paid_online_dossier_ids(
    dossier_ids: Any = None, *, paid_from: datetime | None = None, paid_to: datetime | None = None
) -> Any:
    """Ids of the dossiers whose fees were paid online (a payment confirmed by a verified notification
    or query, OS-FEE-03), as a lazy queryset of distinct `dossier_id` usable in `__in` filters, so a
    report can count `Dossier.objects.filter(pk__in=paid_online_dossier_ids(...))` in one query.

    `dossier_ids` (ids or a queryset of ids) narrows the answer to those dossiers; `paid_from` /
    `paid_to` (half-open, [from, to)) to payments confirmed in that period. A refunded payment no
    longer counts."""
    rows = Payment.objects.filter(state=PaymentState.PAID)
    if dossier_ids is not None:
        rows = rows.filter(dossier_id__in=dossier_ids)
    if paid_from is not None:
        rows = rows.filter(paid_at__gte=paid_from)
    if paid_to is not None:
        rows = rows.filter(paid_at__lt=paid_to)
    return rows.order_by().values_list("dossier_id", flat=True).distinct()


def paid_online(dossier: Any) -> bool:
    """Whether the dossier's fees were paid online (the same rule as `paid_online_dossier_ids`)."""
    return is_paid(dossier)


def record_refund(payment: Payment, *, by: str, reason: str, now: datetime | None = None) -> Payment:
    """Record that a paid payment was refunded to the payer outside the gateway (for instance by the
    agency's treasury after a withdrawal): `paid` -> `refunded`, one append-only event, one audit
    record. Calling the gateways' own refund APIs is not implemented. Raises `Conflict` when the
    payment is not paid (a second call changes nothing) and `ValidationFailed` without a reason."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(_("Vui lòng nêu lý do hoàn tiền."), code="reason_required")
    now = now or timezone.now()
    with transaction.atomic():
        won = Payment.objects.filter(pk=payment.pk, state=PaymentState.PAID).update(
            state=PaymentState.REFUNDED, settled_at=now
        )
        if not won:
            raise Conflict("not_paid", _("Chỉ hoàn tiền được cho giao dịch đã thanh toán."))
        payment.refresh_from_db()
        _record(
            payment,
            payment.provider,
            "refund",
            payment.reference,
            {"by": str(by)[:150]},
            "refunded",
            reason,
            PaymentState.PAID,
            PaymentState.REFUNDED,
            now,
        )
        agency = Dossier.objects.filter(pk=payment.dossier_id).values_list("competent_agency__code", flat=True).first()
        audit.record(
            "payment_refunded",
            "payments.payment",
            payment.pk,
            before={"state": PaymentState.PAID.value},
            after={"state": PaymentState.REFUNDED.value, "amount": payment.amount},
            object_repr=payment.reference,
            reason=reason[:200],
            agency_code=agency or "",
        )
    log.info("payment.refunded", extra={"reference": payment.reference})
    return payment


def payments_of(dossier: Any) -> list[Payment]:
    """The dossier's payments, newest first, with their events (for the officials' view)."""
    return list(Payment.objects.filter(dossier=dossier).prefetch_related("events").order_by("-created_at", "-id"))


def return_url_for(request: Any, provider_code: str) -> str:
    """The absolute URL of our return page for `provider_code`, to pass as `start_payment(return_url=...)`.
    Raises `ValidationFailed` for a provider that is unknown or not enabled."""
    from django.urls import reverse

    _enabled_provider(provider_code)
    return str(request.build_absolute_uri(reverse("payments:return", args=[provider_code])))


def new_reference(now: datetime) -> str:
    """Our order reference: the local date then 80 random bits in upper-case hex (unguessable,
    alphanumeric as gateways require)."""
    local = timezone.localtime(now)
    return f"{local:%y%m%d}{secrets.token_hex(10).upper()}"


# --- internals -------------------------------------------------------------------------------------
def _settle_notification(
    provider: PaymentProvider, callback: Callback, params: dict[str, Any], now: datetime
) -> Verdict:
    if not callback.verified:
        # Kept beside the order it names (if any) so officials see attempts on it; it changes nothing.
        named = Payment.objects.filter(reference=callback.reference, provider=provider.id).first()
        _record(
            named,
            provider.id,
            "ipn",
            callback.reference,
            params,
            Verdict.BAD_SIGNATURE,
            "invalid signature",
            "",
            "",
            now,
        )
        log.warning("payment.ipn_bad_signature", extra={"provider": provider.id})
        return Verdict.BAD_SIGNATURE
    return _settle(provider, callback, params, now, kind="ipn")


def _callback_then_query(
    provider: PaymentProvider, callback: Callback, params: dict[str, Any], now: datetime
) -> Verdict:
    # PayGov-type callbacks are unsigned: they only tell us which order to QUERY.
    payment = Payment.objects.filter(reference=callback.reference, provider=provider.id).first()
    if payment is None:
        _record(None, provider.id, "ipn", callback.reference, params, Verdict.NOT_FOUND, "unknown order", "", "", now)
        return Verdict.NOT_FOUND
    _record(
        payment, provider.id, "ipn", callback.reference, params, "query", "unsigned callback; querying", "", "", now
    )
    if payment.state != PaymentState.PENDING:
        return Verdict.ALREADY_CONFIRMED
    query_payment(payment)
    return Verdict.CONFIRMED


def _settle(provider: PaymentProvider, callback: Callback, params: dict[str, Any], now: datetime, kind: str) -> Verdict:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=callback.reference, provider=provider.id).first()
        if payment is None:
            _record(
                None, provider.id, kind, callback.reference, params, Verdict.NOT_FOUND, "unknown order", "", "", now
            )
            return Verdict.NOT_FOUND
        if callback.amount is not None and callback.amount != payment.amount:
            _record(
                payment,
                provider.id,
                kind,
                callback.reference,
                params,
                Verdict.BAD_AMOUNT,
                f"amount {callback.amount} != {payment.amount}",
                payment.state,
                payment.state,
                now,
            )
            log.warning("payment.amount_mismatch", extra={"reference": payment.reference})
            return Verdict.BAD_AMOUNT
        if payment.state in SETTLED_STATES or payment.state == PaymentState.REFUNDED:
            _record(
                payment,
                provider.id,
                kind,
                callback.reference,
                params,
                Verdict.ALREADY_CONFIRMED,
                "replay or late notification; nothing changed",
                payment.state,
                payment.state,
                now,
            )
            return Verdict.ALREADY_CONFIRMED
        target = {
            Outcome.SUCCESS: PaymentState.PAID,
            Outcome.FAILED: PaymentState.FAILED,
            Outcome.CANCELLED: PaymentState.CANCELLED,
        }.get(callback.outcome)
        if target is None:  # the provider says it is still pending: record and wait
            _record(
                payment,
                provider.id,
                kind,
                callback.reference,
                params,
                "pending",
                "provider reports pending",
                payment.state,
                payment.state,
                now,
            )
            return Verdict.CONFIRMED
        before = payment.state
        payment.provider_txn_id = callback.provider_txn_id[:100]
        payment.provider_code = callback.provider_code[:20]
        payment.bank_code = callback.bank_code[:30]
        if not _transition(payment, target, now):  # a concurrent notification settled it first
            _record(
                payment,
                provider.id,
                kind,
                callback.reference,
                params,
                Verdict.ALREADY_CONFIRMED,
                "concurrent duplicate; nothing changed",
                before,
                before,
                now,
            )
            return Verdict.ALREADY_CONFIRMED
        reason = (
            "" if target != PaymentState.PAID or not _other_paid(payment) else "dossier already paid by another payment"
        )
        _record(payment, provider.id, kind, callback.reference, params, Verdict.CONFIRMED, reason, before, target, now)
    log.info("payment.settled", extra={"reference": payment.reference, "state": target.value})
    return Verdict.CONFIRMED


def _transition(payment: Payment, target: PaymentState, now: datetime) -> bool:
    """Move a pending payment to `target`; a conditional UPDATE, so of two concurrent settlements
    (even on SQLite, which has no row locks) exactly one wins. False when it was no longer pending."""
    changes: dict[str, Any] = {
        "state": target,
        "settled_at": now,
        "provider_txn_id": payment.provider_txn_id,
        "provider_code": payment.provider_code,
        "bank_code": payment.bank_code,
    }
    if target == PaymentState.PAID:
        changes |= {"paid_at": now, "receipt_number": f"BL-{payment.reference}"}
    won = Payment.objects.filter(pk=payment.pk, state=PaymentState.PENDING).update(**changes) == 1
    if won:
        for name, value in changes.items():
            setattr(payment, name, value)
        # The hash-chained audit log (DESIGN rule 7) sees every settlement too.
        agency = Dossier.objects.filter(pk=payment.dossier_id).values_list("competent_agency__code", flat=True).first()
        audit.record(
            f"payment_{target.value}",
            "payments.payment",
            payment.pk,
            before={"state": PaymentState.PENDING.value},
            after={"state": target.value, "amount": payment.amount, "provider_txn_id": payment.provider_txn_id},
            object_repr=payment.reference,
            agency_code=agency or "",
        )
    return won


def _other_paid(payment: Payment) -> bool:
    return (
        Payment.objects.filter(dossier_id=payment.dossier_id, state=PaymentState.PAID).exclude(pk=payment.pk).exists()
    )


def _record(
    payment: Payment | None,
    provider: str,
    kind: str,
    reference: str,
    params: dict[str, Any],
    verdict: Any,
    reason: str,
    from_state: Any,
    to_state: Any,
    now: datetime,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        provider=provider,
        kind=kind,
        reference=(reference or "")[:200],
        params=params,
        verdict=getattr(verdict, "value", verdict),
        reason=reason[:200],
        from_state=getattr(from_state, "value", from_state) or "",
        to_state=getattr(to_state, "value", to_state) or "",
        received_at=now,
    )


def _plain(params: Any) -> dict[str, str]:
    """A QueryDict or dict as a plain dict of strings (the last value of a repeated key), bounded."""
    if hasattr(params, "lists"):
        items = [(key, values[-1] if values else "") for key, values in params.lists()]
    else:
        items = list(dict(params).items())
    # Bounded: anyone may call the public endpoints, and every call is stored.
    return {str(key)[:64]: str(value)[:512] for key, value in items[:48]}


def _provider(code: str) -> PaymentProvider:
    try:
        return get_provider(code)
    except KeyError:
        raise NotFound("provider_not_found", _("Không có cổng thanh toán này.")) from None


def _enabled_provider(code: str) -> PaymentProvider:
    try:
        provider = get_provider(code)
    except KeyError:
        provider = None
    if provider is None or not provider.enabled:
        raise ValidationFailed(_("Cổng thanh toán không có hoặc chưa được bật."), code="provider_unavailable")
    return provider

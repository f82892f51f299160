# mypy: allow-subclassing-any
"""Online fee payments (OS-FEE-01..03, INT-PAY-01..03).

A `Payment` is one attempt to pay a dossier's fees through one provider. Its state changes only in
`services` (pending -> paid / failed / expired / cancelled) and only a verified server-to-server
notification or query sets `paid` (OS-FEE-03). Every callback received — verified or not, known
order or not — is kept as an append-only `PaymentEvent` with its raw parameters and our verdict
(INT-PAY-03: raw callbacks stored).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    EXPIRED = "expired", _("Hết thời gian thanh toán")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


SETTLED_STATES = frozenset({PaymentState.PAID, PaymentState.FAILED, PaymentState.EXPIRED, PaymentState.CANCELLED})


class Payment(models.Model):
    """Một lần thanh toán phí, lệ phí của một hồ sơ qua một cổng thanh toán."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=30)
    # Our order reference (vnp_TxnRef / MaThamChieu): random, so nobody can guess another's order.
    reference = models.CharField(_("mã tham chiếu"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    currency = models.CharField(_("tiền tệ"), max_length=3, default="VND")
    fee_lines = models.JSONField(_("các khoản phí, lệ phí"), default=list, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=PaymentState.choices, default=PaymentState.PENDING)
    redirect_url = models.TextField(_("địa chỉ chuyển sang cổng thanh toán"), blank=True)
    return_url = models.CharField(_("địa chỉ quay lại"), max_length=1000, blank=True)
    provider_txn_id = models.CharField(_("mã giao dịch của cổng"), max_length=100, blank=True)
    provider_code = models.CharField(_("mã kết quả của cổng"), max_length=20, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    settled_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, null=True, blank=True, unique=True)
    last_queried_at = models.DateTimeField(_("tra cứu lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "state"], name="payment_dossier_state"),
            models.Index(fields=["state", "expires_at"], name="payment_state_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"

    @property
    def is_paid(self) -> bool:
        return self.state == PaymentState.PAID


class PaymentEvent(models.Model):
    """Mọi lần cổng thanh toán gọi về (hoặc ta tra cứu): tham số gốc, kết luận, lý do. Chỉ ghi thêm."""

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("thanh toán"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=30)
    kind = models.CharField(_("loại"), max_length=12)  # create, return, ipn, query, expire
    reference = models.CharField(_("mã tham chiếu nhận được"), max_length=200, blank=True)
    params = models.JSONField(_("tham số gốc"), default=dict, blank=True)
    verdict = models.CharField(_("kết luận"), max_length=20)
    reason = models.CharField(_("lý do"), max_length=200, blank=True)
    from_state = models.CharField(_("từ trạng thái"), max_length=12, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=12, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        verbose_name = _("sự kiện thanh toán")
        verbose_name_plural = _("sự kiện thanh toán")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["reference"], name="payment_event_reference")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.verdict}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("payment events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("payment events are append-only")

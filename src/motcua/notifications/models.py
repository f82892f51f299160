"""Notification outbox (DESIGN rule 6, OS-LATE-03).

`OutboxMessage` is written in the same transaction as the business change that causes it; a worker
delivers it through a channel plugin, writing one `DeliveryAttempt` per try. `ChannelConfig` holds the
enable flag and the JSON options of one channel (validated by the channel's schema, audited).

The recipient and the body are personal data: they are stored here (the admin may show them) but
never written to logs, to `last_error`, or to `__str__` (which the audit log and the admin use).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.signals import audited


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi, chờ gửi lại")
    DEAD = "dead", _("Ngừng gửi")


class Outcome(models.TextChoices):
    OK = "ok", _("Thành công")
    ERROR = "error", _("Lỗi")


class OutboxMessage(models.Model):
    channel = models.CharField(_("kênh"), max_length=40)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    html_body = models.TextField(_("nội dung HTML"), blank=True)
    template_key = models.CharField(_("mẫu thông báo"), max_length=64, blank=True)
    context = models.JSONField(_("dữ liệu mẫu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    idempotency_key = models.CharField(_("khoá chống trùng"), max_length=200, unique=True)
    related_type = models.CharField(_("loại đối tượng liên quan"), max_length=64, blank=True)
    related_id = models.CharField(_("mã đối tượng liên quan"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    # Due time of the next try; while `sending` it is the end of the worker's lease (a worker that
    # died mid-send leaves the row claimable again once the lease has passed).
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True, default=timezone.now)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    sent_at = models.DateTimeField(_("thời điểm gửi xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo chờ gửi")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_outbox_due")]

    def __str__(self) -> str:
        # No recipient, subject or body: this string reaches the admin history and logs.
        return f"{self.channel} #{self.pk}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    attempted_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=200, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("các lần gửi")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"#{self.message_id} {self.outcome} {self.attempted_at:%Y-%m-%d %H:%M:%S}"


@audited
class ChannelConfig(models.Model):
    """Enable flag and options of one channel. Secrets are never stored here: options name the
    environment variable that holds them."""

    channel = models.CharField(_("kênh"), max_length=40, unique=True)
    enabled = models.BooleanField(_("đang bật"), default=True)
    options = models.JSONField(_("tuỳ chọn"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cấu hình kênh thông báo")
        verbose_name_plural = _("cấu hình kênh thông báo")
        ordering = ["channel"]

    def __str__(self) -> str:
        return self.channel

    def clean(self) -> None:
        from motcua.notifications.channels import OptionsInvalid, registry

        if self.channel not in registry:
            raise ValidationError({"channel": _("Kênh “%(id)s” chưa được đăng ký.") % {"id": self.channel}})
        try:
            registry.get(self.channel).parse_options(self.options)
        except OptionsInvalid as exc:
            raise ValidationError({"options": str(exc)}) from exc


class FakeSmsMessage(models.Model):
    """What the `fake_sms` channel "sent" (development and demo only)."""

    provider_message_id = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(_("người nhận"), max_length=254)
    body = models.TextField(_("nội dung"))
    sent_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)

    class Meta:
        verbose_name = _("tin nhắn SMS giả lập")
        verbose_name_plural = _("tin nhắn SMS giả lập")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.provider_message_id


def related_of(related: Any) -> tuple[str, str]:
    """(type, id) from None, a (type, id) pair, or a model instance (its `code` if it has one)."""
    if related is None:
        return "", ""
    if isinstance(related, models.Model):
        return related._meta.label_lower, str(getattr(related, "code", None) or related.pk)
    kind, ident = related
    return str(kind), str(ident)

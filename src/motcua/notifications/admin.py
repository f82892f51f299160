from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.notifications import services
from motcua.notifications.channels import OptionsInvalid, registry
from motcua.notifications.models import ChannelConfig, DeliveryAttempt, FakeSmsMessage, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "outcome", "error", "provider_message_id", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox is written by services only; officials watch it and may retry a message now."""

    list_display = (
        "id",
        "channel",
        "template_key",
        "related_id",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "template_key")
    search_fields = ("=idempotency_key", "=related_id", "=provider_message_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]
    list_per_page = 50
    show_full_result_count = False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_outboxmessage")

    @admin.action(description=_("Gửi lại ngay"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = services.retry_now(queryset.values_list("pk", flat=True))
        self.message_user(request, gettext("Đã xếp lịch gửi lại %(n)d thông báo.") % {"n": count}, messages.SUCCESS)


class ChannelConfigForm(forms.ModelForm):
    channel = forms.ChoiceField(label=_("Kênh"))

    class Meta:
        model = ChannelConfig
        fields = ["channel", "enabled", "options"]
        help_texts = {
            "options": _("JSON theo lược đồ của kênh. Không ghi khoá bí mật: ghi tên biến môi trường chứa khoá."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(cid, f"{cid} — {registry.get(cid).label}") for cid in registry.ids()]
        self.config_problem: str | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel_id, options = data.get("channel"), data.get("options")
        if channel_id not in registry or options is None:
            return data
        channel = registry.get(channel_id)
        try:
            parsed = channel.parse_options(options)
        except OptionsInvalid:
            return data  # ChannelConfig.clean() reports it on the options field
        self.config_problem = channel.check(parsed)
        if self.config_problem and data.get("enabled"):
            raise forms.ValidationError(
                gettext("Không thể bật kênh: %(problem)s Hãy sửa cấu hình hoặc tắt kênh rồi lưu.")
                % {"problem": self.config_problem}
            )
        return data


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    form = ChannelConfigForm
    list_display = ("channel", "enabled", "config_check", "updated_at")
    list_filter = ("enabled",)

    @admin.display(description=_("Kiểm tra cấu hình"))
    def config_check(self, obj: ChannelConfig) -> str:
        if obj.channel not in registry:
            return gettext("Kênh chưa được đăng ký.")
        return registry.get(obj.channel).check_config(obj.options) or gettext("Hợp lệ")

    def save_model(self, request: HttpRequest, obj: ChannelConfig, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        problem = getattr(form, "config_problem", None)
        if problem:
            self.message_user(
                request, gettext("Đã lưu nhưng kênh chưa gửi được: %(p)s") % {"p": problem}, messages.WARNING
            )


@admin.register(FakeSmsMessage)
class FakeSmsMessageAdmin(ReadOnlyAdmin):
    list_display = ("provider_message_id", "sent_at")
    readonly_fields = ("provider_message_id", "recipient", "body", "sent_at")

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import audit
from motcua.core.models import ApiToken, AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched, never edited (GEN-03)."""

    list_display = ("seq", "occurred_at", "actor_name", "action", "object_type", "object_repr", "request_id")
    list_filter = ("action", "object_type", "actor_kind")
    search_fields = ("object_id", "object_repr", "actor_name", "request_id")
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditRecord._meta.fields]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `motcua create-token` (the secret is shown once); here they are revoked."""

    list_display = ("prefix", "user", "name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = ("user", "prefix", "secret_hash", "scopes", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Thu hồi mã truy cập đã chọn"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        now = timezone.now()
        for token in queryset.filter(revoked_at=None):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit.record("revoke", "core.apitoken", token.pk, object_repr=str(token), after={"revoked_at": now})
        self.message_user(request, _("Đã thu hồi."), messages.SUCCESS)

"""Read-only admin screens: payments and every callback received (nothing here may change a payment)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.payments.models import Payment, PaymentEvent


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentEventInline(ReadOnly, admin.TabularInline):  # type: ignore[misc]
    model = PaymentEvent
    fields = ("received_at", "kind", "verdict", "reason", "from_state", "to_state", "params")
    readonly_fields = fields
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("reference", "dossier", "provider", "amount", "state", "created_at", "paid_at")
    list_filter = ("state", "provider")
    search_fields = ("reference", "dossier__code", "provider_txn_id")
    list_select_related = ("dossier",)
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [PaymentEventInline]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("received_at", "provider", "kind", "reference", "verdict", "reason")
    list_filter = ("provider", "kind", "verdict")
    search_fields = ("reference",)
    readonly_fields = [field.name for field in PaymentEvent._meta.fields]

# mypy: allow-subclassing-any
"""Read-mostly admin for dossiers: states change only through the state machine (DESIGN.md rule 3)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("seq", "occurred_at", "actor_name", "role", "action", "from_state", "to_state", "to_substate", "reason")
    readonly_fields = fields
    ordering = ("seq",)


class ComponentInline(ReadOnlyInline):
    model = DossierComponent
    fields = ("name", "filename", "originals", "copies", "content_type", "size", "sha256")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("code", "applicant_name", "status", "substate", "competent_agency", "received_at", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("code",)
    date_hierarchy = "received_at"
    list_select_related = ("competent_agency",)
    inlines = (ComponentInline, EventInline)
    fieldsets = (
        (None, {"fields": ("code", "regime", "procedure_version", "channel", "receiving_unit", "competent_agency")}),
        (
            _("Chủ hồ sơ"),
            {
                "fields": (
                    "applicant_type",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_address",
                    "applicant_phone",
                    "applicant_email",
                    "delegate_name",
                    "delegate_id_number",
                    "delegate_phone",
                )
            },
        ),
        (
            _("Trạng thái và thời hạn"),
            {
                "fields": (
                    "status",
                    "substate",
                    "assignee",
                    "submitted_at",
                    "received_at",
                    "accepted_at",
                    "due_at",
                    "original_due_at",
                    "rescheduled_due_at",
                    "transfer_due_at",
                    "transferred_at",
                    "finished_at",
                    "returned_at",
                    "result_kind",
                    "timeliness",
                    "supplement_count",
                    "apology_count",
                    "version",
                )
            },
        ),
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # view only: a dossier changes through its actions, never by editing columns

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

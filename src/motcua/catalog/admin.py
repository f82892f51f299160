"""Configuration screens of the catalogue (Vietnamese). Non-draft versions are read-only (OS-CAT-05)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog import versioning
from motcua.catalog.models import (
    Fee,
    LegalBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    ResultDocument,
    Sector,
)
from motcua.core.errors import DomainError


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "field_code", "name")
    search_fields = ("code", "field_code", "name", "name_folded")


class VersionLink(admin.TabularInline):
    model = ProcedureVersion
    fields = ("link", "status", "valid_from", "valid_to", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("các phiên bản")

    @admin.display(description=_("phiên bản"))
    def link(self, obj: ProcedureVersion) -> str:
        url = reverse("admin:catalog_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("procedure_code", "name", "local_code", "code_is_canonical")
    list_filter = ("code_is_canonical",)
    search_fields = ("procedure_code", "local_code", "name")
    readonly_fields = ("code_is_canonical", "created_at")
    inlines = [VersionLink]


class DraftOnlyInline(admin.StackedInline):
    """Child rows can be added, changed or removed only while the version is a draft."""

    extra = 0

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DocumentInline(DraftOnlyInline):
    model = RequiredDocument
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = (
        ("order", "code", "case_group"),
        "name",
        ("originals", "copies", "e_form"),
        ("template_name", "template_url", "template_file"),
    )


class FeeInline(DraftOnlyInline):
    model = Fee
    fields = (("order", "code", "kind", "amount", "channel", "is_exempt"), "name", "exemption_text")


class LegalBasisInline(DraftOnlyInline):
    model = LegalBasis
    fields = (("order", "number", "issued_on", "issuer"), "title")


class ResultInline(DraftOnlyInline):
    model = ResultDocument
    fields = (("order", "code"), "name")


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action: Any, done: str) -> None:
    """Call a versioning service per selected version and show its Vietnamese message on failure."""
    for version in queryset.select_related("procedure"):
        try:
            action(version)
        except DomainError as exc:
            details = "; ".join(str(f.message) for f in exc.fields)
            text = f"{version}: {exc.message}" + (f" ({details})" if details else "")
            modeladmin.message_user(request, text, messages.ERROR)
        else:
            modeladmin.message_user(request, done % {"version": version}, messages.SUCCESS)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "name", "status", "valid_from", "valid_to", "service_mode")
    list_filter = ("status", "service_mode", "sector")
    search_fields = ("procedure__procedure_code", "procedure__local_code", "search_text")
    list_select_related = ("procedure", "sector")
    autocomplete_fields = ("sector",)
    filter_horizontal = ("agencies",)
    inlines = [DocumentInline, FeeInline, LegalBasisInline, ResultInline]
    actions = ["publish_versions", "retire_versions", "clone_versions"]
    always_readonly = ("status", "published_at", "retired_at", "legacy_level", "national_payload")

    def get_readonly_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> Any:
        if obj is not None and not obj.is_draft:
            return [f.name for f in self.model._meta.fields if f.editable] + ["agencies", *self.always_readonly]
        return self.always_readonly

    def has_change_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        # A published or retired version opens as a view-only page (no Save button).
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish_versions(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, versioning.publish, gettext("Đã công bố %(version)s."))

    @admin.action(description=_("Cho hết hiệu lực từ hôm nay"))
    def retire_versions(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, versioning.retire, gettext("Đã cho hết hiệu lực %(version)s."))

    @admin.action(description=_("Tạo phiên bản mới (sao chép)"))
    def clone_versions(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, versioning.new_version, gettext("Đã tạo bản nháp mới từ %(version)s."))


# --- Internal processes (quy trình nội bộ, OS-CAT-03) -----------------------------------------

from django import forms  # noqa: E402
from django.http import HttpResponse  # noqa: E402

from motcua.catalog import process_services  # noqa: E402
from motcua.catalog.process_models import (  # noqa: E402
    ProcessStep,
    ProcessTemplate,
    ProcessTransition,
    Requirement,
)
from motcua.organizations.models import Role  # noqa: E402


class ProcessStepInline(DraftOnlyInline):
    model = ProcessStep
    template = "admin/edit_inline/tabular.html"
    fields = (
        "order",
        "key",
        "name",
        "role",
        "department_code",
        "allotment",
        "allotment_unit",
        "substate",
        "is_start",
        "is_final",
    )


class ProcessTransitionForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("vai trò được thực hiện"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    requires = forms.MultipleChoiceField(
        label=_("yêu cầu kèm theo"), choices=Requirement.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProcessTransition
        fields = ("order", "action", "name", "from_step", "to_step", "roles", "requires")


class ProcessTransitionInline(DraftOnlyInline):
    model = ProcessTransition
    form = ProcessTransitionForm
    template = "admin/edit_inline/tabular.html"
    fields = ("order", "action", "name", "from_step", "to_step", "roles", "requires")


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ("procedure", "agency", "number", "name", "status", "valid_from", "valid_to")
    list_filter = ("status",)
    search_fields = ("procedure__procedure_code", "name", "agency__code", "agency__name")
    list_select_related = ("procedure", "agency")
    autocomplete_fields = ("procedure", "agency")
    inlines = [ProcessStepInline, ProcessTransitionInline]
    actions = ["publish_processes", "clone_processes", "export_processes"]
    always_readonly = ("status", "published_at", "retired_at", "problems")

    def get_readonly_fields(self, request: HttpRequest, obj: ProcessTemplate | None = None) -> Any:
        if obj is not None and not obj.is_draft:
            return [f.name for f in self.model._meta.fields if f.editable] + list(self.always_readonly)
        return self.always_readonly

    def has_change_permission(self, request: HttpRequest, obj: ProcessTemplate | None = None) -> bool:
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ProcessTemplate | None = None) -> bool:
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ProcessTemplate, form: Any, change: bool) -> None:
        if obj.number is None:
            family = ProcessTemplate.objects.filter(procedure=obj.procedure, agency=obj.agency)
            obj.number = (family.aggregate(last=models.Max("number"))["last"] or 0) + 1
        super().save_model(request, obj, form, change)

    def get_exclude(self, request: HttpRequest, obj: ProcessTemplate | None = None) -> Any:
        return ("number",) if obj is None else ()

    @admin.display(description=_("kiểm tra quy trình"))
    def problems(self, obj: ProcessTemplate) -> str:
        if obj.pk is None:
            return "—"
        errors = process_services.validate_process(obj)
        if not errors:
            return gettext("Hợp lệ: có thể công bố.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((e.message,) for e in errors)))

    @admin.action(description=_("Công bố các quy trình đã chọn"))
    def publish_processes(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, process_services.publish_process, gettext("Đã công bố %(version)s."))

    @admin.action(description=_("Tạo phiên bản quy trình mới (sao chép)"))
    def clone_processes(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = gettext("Đã tạo bản nháp mới từ %(version)s.")
        _run(self, request, queryset, process_services.new_process_version, done)

    @admin.action(description=_("Xuất các quy trình đã chọn (YAML)"))
    def export_processes(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        templates = queryset.select_related("procedure", "agency").prefetch_related("steps", "transitions")
        data = {"processes": [process_services.export_process(t) for t in templates]}
        response = HttpResponse(process_services.dumps(data, "yaml"), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="quy-trinh-noi-bo.yaml"'
        return response

"""Vietnamese admin for administrative units, agencies, departments, officials and roles."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.organizations.admin_forms import AgencyAdminForm, OfficialCreationForm
from motcua.organizations.models import (
    AdminUnit,
    AdminUnitKind,
    Agency,
    Department,
    Official,
    RoleAssignment,
    TierModel,
)


class FoldedSearchMixin:
    """Search that ignores accents and đ/d (GEN-06): every word must be in the folded name or the code."""

    search_fields = ["code"]  # needed by autocomplete; the real matching is below

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:  # type: ignore[type-arg]
        for word in fold(search_term).split():
            queryset = queryset.filter(Q(name_folded__contains=word) | Q(code__icontains=word))
        return queryset, False


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh, thành phố")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        provinces = AdminUnit.objects.filter(
            tier_model=TierModel.TWO_TIER_2025, kind__in=[AdminUnitKind.PROVINCE, AdminUnitKind.CITY]
        ).order_by("name_folded")
        return [(p.code, p.name) for p in provinces]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:  # type: ignore[type-arg]
        code = self.value()
        if not code:
            return queryset
        # Communes hang under the province (two tiers) or under a district of it (three tiers).
        return queryset.filter(Q(code=code, parent=None) | Q(parent__code=code) | Q(parent__parent__code=code))


@admin.register(AdminUnit)
class AdminUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "tier_model", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", "tier_model", ProvinceFilter]
    list_select_related = ["parent", "successor"]
    autocomplete_fields = ["parent", "successor"]
    ordering = ["tier_model", "code"]
    list_per_page = 100
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: AdminUnit | None = None) -> list[str]:
        # Units in force come from the official list (`motcua load-admin-units`); only the
        # pre-2025 history is entered by hand.
        if obj is not None and obj.tier_model == TierModel.TWO_TIER_2025:
            return [f.name for f in AdminUnit._meta.fields if f.name not in {"id", "name_folded"}]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: AdminUnit | None = None) -> bool:
        return False


class DepartmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Department
    fields = ["code", "name", "parent", "is_one_stop_unit"]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # Only this agency's departments can be a parent (one query, not every department).
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = (
                Department.objects.filter(agency_id=object_id) if object_id else Department.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Agency)
class AgencyAdmin(FoldedSearchMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = AgencyAdminForm
    list_display = ["code", "tree_path", "short_name", "kind", "level", "code_is_canonical", "is_external"]
    list_filter = ["level", "kind", "is_external", "code_is_canonical", "is_one_stop_unit"]
    list_select_related = ["parent__parent__parent"]
    autocomplete_fields = ["parent", "admin_unit", "successor"]
    readonly_fields = ["code_is_canonical"]
    inlines = [DepartmentInline]
    fieldsets = [
        (None, {"fields": ["code", "code_is_canonical", "previous_codes_text", "is_external"]}),
        (_("Thông tin chung"), {"fields": ["name", "short_name", "kind", "level", "parent", "admin_unit"]}),
        (_("Liên hệ"), {"fields": ["is_one_stop_unit", "email", "phone", "address"]}),
        (_("Hiệu lực"), {"fields": ["valid_from", "valid_to", "successor"]}),
    ]

    @admin.display(description=_("cơ quan (theo cây)"), ordering="name_folded")
    def tree_path(self, obj: Agency) -> str:
        names, current, hops = [], obj, 0
        while current is not None and hops < 4:
            # Ancestors by short name keep the column narrow; the agency itself by full name.
            names.append(current.name if current is obj else (current.short_name or current.name))
            current, hops = current.parent, hops + 1
        return " › ".join(reversed(names))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "agency", "parent", "is_one_stop_unit"]
    list_filter = ["is_one_stop_unit"]
    list_select_related = ["agency", "parent"]
    search_fields = ["code", "name", "agency__code", "agency__name_folded"]
    autocomplete_fields = ["agency", "parent"]


class RoleAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    fields = ["role", "agency", "department", "valid_from", "valid_to"]
    autocomplete_fields = ["agency", "department"]
    extra = 0


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["full_name", "user", "title", "agency", "department", "is_active"]
    list_filter = ["is_active", "agency__level"]
    list_select_related = ["user", "agency", "department"]
    search_fields = ["full_name", "user__username", "agency__code", "agency__name_folded"]
    autocomplete_fields = ["agency", "department"]
    readonly_fields = ["user"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        (
            None,
            {"fields": ["user", "full_name", "title", "agency", "department", "phone", "signature_image", "is_active"]},
        )
    ]
    add_fieldsets = [
        (_("Tài khoản đăng nhập"), {"fields": ["username", "email", "password1", "password2"]}),
        (_("Cán bộ"), {"fields": ["full_name", "title", "agency", "department", "phone", "is_active"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Official | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Official | None = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Official | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = OfficialCreationForm
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["official", "role", "agency", "department", "valid_from", "valid_to"]
    list_filter = ["role"]
    list_select_related = ["official", "agency", "department"]
    search_fields = ["official__full_name", "official__user__username", "agency__code", "agency__name_folded"]
    autocomplete_fields = ["official", "agency", "department"]

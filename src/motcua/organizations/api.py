"""Public read API for agencies and administrative units, mounted at /api/v1/agencies.

Handlers only parse parameters and shape responses; lookups are in `services` and `search`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from motcua.api.pagination import page_of
from motcua.api.schemas import ErrorOut, PageParams
from motcua.core.errors import FieldError, NotFound, ValidationFailed
from motcua.core.text import fold
from motcua.organizations.models import (
    AdminUnit,
    AdminUnitKind,
    Agency,
    AgencyKind,
    AgencyLevel,
    TierModel,
)
from motcua.organizations.services import resolve_agency

router = Router()


class AgencyOut(Schema):
    code: str
    code_is_canonical: bool
    name: str
    short_name: str
    kind: str
    level: str
    parent: str | None
    admin_unit: str | None
    is_one_stop_unit: bool
    is_external: bool


class AgencyPage(Schema):
    items: list[AgencyOut]
    count: int
    limit: int
    offset: int


class DepartmentOut(Schema):
    code: str
    name: str
    parent: str | None
    is_one_stop_unit: bool


class AdminUnitOut(Schema):
    code: str
    name: str
    kind: str
    tier_model: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successor: str | None


class AgencyDetailOut(AgencyOut):
    previous_codes: list[str]
    requested_code: str
    email: str
    phone: str
    address: str
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    admin_unit_detail: AdminUnitOut | None
    departments: list[DepartmentOut]


class AdminUnitPage(Schema):
    items: list[AdminUnitOut]
    count: int
    limit: int
    offset: int


class AgencyFilters(PageParams):
    q: str = ""
    level: AgencyLevel | None = None
    kind: AgencyKind | None = None
    parent: str = ""


class AdminUnitFilters(PageParams):
    q: str = ""
    parent: str = ""
    kind: AdminUnitKind | None = None
    tier: TierModel = TierModel.TWO_TIER_2025


def _text_filter(queryset: QuerySet, q: str, code_field: str = "code") -> QuerySet:  # type: ignore[type-arg]
    """Every word of `q` must appear in the folded name or the code (GEN-06: "uy ban son la"
    finds "Ủy ban nhân dân tỉnh Sơn La")."""
    for word in fold(q).split():
        queryset = queryset.filter(Q(name_folded__contains=word) | Q(**{f"{code_field}__icontains": word}))
    return queryset


def _agency_out(agency: Agency) -> dict[str, object]:
    return {
        "code": agency.code,
        "code_is_canonical": agency.code_is_canonical,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "level": agency.level,
        "parent": agency.parent.code if agency.parent_id else None,
        "admin_unit": agency.admin_unit.code if agency.admin_unit_id else None,
        "is_one_stop_unit": agency.is_one_stop_unit,
        "is_external": agency.is_external,
    }


def _unit_out(unit: AdminUnit) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "tier_model": unit.tier_model,
        "parent": unit.parent.code if unit.parent_id else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successor": unit.successor.code if unit.successor_id else None,
    }


# Declared before /{code} so "admin-units" is not taken for an agency identifier.
@router.get(
    "/admin-units",
    response={200: AdminUnitPage, 422: ErrorOut},
    operation_id="admin_unit_list",
    url_name="admin_unit_list",
    summary="Danh mục đơn vị hành chính",
)
def admin_unit_list(request: HttpRequest, filters: Query[AdminUnitFilters]) -> dict[str, object]:
    """Provinces and communes (ORG-02); `tier=three_tier` lists the pre-2025 units kept for history.
    `parent` is the GSO code of the parent unit in the same tier."""
    units = AdminUnit.objects.select_related("parent", "successor").filter(
        tier_model=filters.tier or TierModel.TWO_TIER_2025
    )
    if filters.parent:
        units = units.filter(parent__code=filters.parent.strip())
    if filters.kind:
        units = units.filter(kind=filters.kind)
    units = _text_filter(units, filters.q).order_by("code")
    return page_of(units, filters.limit, filters.offset, _unit_out)


@router.get(
    "",
    response={200: AgencyPage, 422: ErrorOut},
    operation_id="agency_list",
    url_name="agency_list",
    summary="Danh sách cơ quan",
)
def agency_list(request: HttpRequest, filters: Query[AgencyFilters]) -> dict[str, object]:
    """Agencies ordered by identifier; `q` matches the identifier or the name, ignoring accents;
    `parent` (current or previous identifier) lists the agencies directly under it."""
    agencies = Agency.objects.select_related("parent", "admin_unit")
    if filters.parent:
        try:
            agencies = agencies.filter(parent=resolve_agency(filters.parent))
        except NotFound as exc:
            raise ValidationFailed(
                _("Tham số truy vấn không hợp lệ."), [FieldError("parent", exc.code, exc.message)]
            ) from exc
    if filters.level:
        agencies = agencies.filter(level=filters.level)
    if filters.kind:
        agencies = agencies.filter(kind=filters.kind)
    agencies = _text_filter(agencies, filters.q).order_by("code")
    return page_of(agencies, filters.limit, filters.offset, _agency_out)


@router.get(
    "/{code}",
    response={200: AgencyDetailOut, 404: ErrorOut},
    operation_id="agency_detail",
    url_name="agency_detail",
    summary="Thông tin cơ quan",
)
def agency_detail(request: HttpRequest, code: str) -> dict[str, object]:
    """One agency by its current or a previous identifier (ORG-06); a previous identifier returns
    the current agency, and `requested_code` echoes what was asked."""
    agency = resolve_agency(code)
    agency = Agency.objects.select_related("parent", "admin_unit__parent", "admin_unit__successor", "successor").get(
        pk=agency.pk
    )
    departments = agency.departments.select_related("parent").order_by("code")
    return {
        **_agency_out(agency),
        "previous_codes": list(agency.previous_codes),
        "requested_code": code.strip(),
        "email": agency.email,
        "phone": agency.phone,
        "address": agency.address,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "successor": agency.successor.code if agency.successor_id else None,
        "admin_unit_detail": _unit_out(agency.admin_unit) if agency.admin_unit_id else None,
        "departments": [
            {
                "code": d.code,
                "name": d.name,
                "parent": d.parent.code if d.parent_id else None,
                "is_one_stop_unit": d.is_one_stop_unit,
            }
            for d in departments
        ],
    }

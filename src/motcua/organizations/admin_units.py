"""Administrative units: the official two-tier list (ORG-02) and the three-tier history (ORG-03)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.text import fold, nfc
from motcua.organizations.models import (
    TWO_TIER_FIRST_DAY,
    AdminUnit,
    AdminUnitKind,
    TierModel,
)

# Division types as written in the GSO list and in the vietnam-provinces data.
DIVISION_KINDS = {
    "tỉnh": AdminUnitKind.PROVINCE,
    "thành phố": AdminUnitKind.CITY,
    "thành phố trung ương": AdminUnitKind.CITY,
    "thành phố trực thuộc trung ương": AdminUnitKind.CITY,
    "xã": AdminUnitKind.COMMUNE,
    "phường": AdminUnitKind.WARD,
    "đặc khu": AdminUnitKind.SPECIAL_ZONE,
}
PROVINCE_CODE_WIDTH = 2
COMMUNE_CODE_WIDTH = 5
_LOADED_FIELDS = ["name", "name_folded", "kind", "parent", "valid_from"]


@dataclass
class AdminUnitLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    provinces: int = 0
    communes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    not_in_source: list[str] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    kind: str
    parent_code: str | None


def default_source() -> tuple[Path, str]:
    """The nested JSON shipped in the `vietnam-provinces` package, and the package version."""
    import vietnam_provinces

    return Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH), vietnam_provinces.__version__


def _kind(division_type: str, where: str) -> str:
    kind = DIVISION_KINDS.get(nfc(division_type).lower())
    if kind is None:
        raise ValidationFailed(
            _("Loại đơn vị hành chính “%(type)s” (%(where)s) không được hỗ trợ.")
            % {"type": division_type, "where": where}
        )
    return kind


def _province_name(name: str, kind: str) -> str:
    # The package writes provinces without their type ("Sơn La") but cities with it; the GSO list
    # and official documents say "Tỉnh Sơn La".
    name = nfc(name)
    if kind == AdminUnitKind.PROVINCE and not fold(name).startswith("tinh "):
        return f"Tỉnh {name}"
    return name


def read_nested_divisions(data: list[dict[str, Any]]) -> list[_Row]:
    """Provinces first, then their communes, with zero-padded GSO codes."""
    rows: list[_Row] = []
    for province in data:
        code = str(province["code"]).zfill(PROVINCE_CODE_WIDTH)
        kind = _kind(province["division_type"], code)
        rows.append(_Row(code, _province_name(province["name"], kind), kind, None))
        for ward in province.get("wards", []):
            ward_code = str(ward["code"]).zfill(COMMUNE_CODE_WIDTH)
            rows.append(_Row(ward_code, nfc(ward["name"]), _kind(ward["division_type"], ward_code), code))
    return rows


def load_admin_units(path: Path | str | None = None) -> AdminUnitLoadResult:
    """Create or update the 34 provinces and 3,321 communes in force from 1/7/2025 (ORG-02).

    Idempotent: a second run changes nothing. Rows are written in bulk (signals are bypassed), so
    one summary audit record describes the run when it changed anything. Units missing from the
    source are reported, not deleted: agencies and dossiers may still point at them.
    """
    source, version = (Path(path), "") if path else default_source()
    rows = read_nested_divisions(json.loads(Path(source).read_text(encoding="utf-8")))
    result = AdminUnitLoadResult(source=f"vietnam-provinces {version}".strip() if version else str(source))
    with transaction.atomic():
        _upsert([r for r in rows if r.parent_code is None], result)
        _upsert([r for r in rows if r.parent_code is not None], result)
        wanted = {r.code for r in rows}
        current = AdminUnit.objects.filter(tier_model=TierModel.TWO_TIER_2025)
        result.not_in_source = sorted(set(current.values_list("code", flat=True)) - wanted)
        for row in rows:
            result.by_kind[row.kind] = result.by_kind.get(row.kind, 0) + 1
        result.provinces = sum(1 for r in rows if r.parent_code is None)
        result.communes = len(rows) - result.provinces
        if result.created or result.updated:
            audit.record(
                "bulk_load",
                "organizations.adminunit",
                TierModel.TWO_TIER_2025,
                after={
                    "source": result.source,
                    "created": result.created,
                    "updated": result.updated,
                    "provinces": result.provinces,
                    "communes": result.communes,
                    "by_kind": result.by_kind,
                },
                object_repr=_("Danh mục đơn vị hành chính từ 1/7/2025"),
            )
    return result


def _upsert(rows: list[_Row], result: AdminUnitLoadResult) -> None:
    existing = {u.code: u for u in AdminUnit.objects.filter(tier_model=TierModel.TWO_TIER_2025)}
    to_create, to_update = [], []
    for row in rows:
        parent = existing[row.parent_code] if row.parent_code else None
        values = {
            "name": row.name,
            "name_folded": fold(row.name),
            "kind": row.kind,
            "parent": parent,
            "valid_from": TWO_TIER_FIRST_DAY,
        }
        unit = existing.get(row.code)
        if unit is None:
            to_create.append(AdminUnit(code=row.code, tier_model=TierModel.TWO_TIER_2025, **values))
        elif _differs(unit, values):
            for name, value in values.items():
                setattr(unit, name, value)
            to_update.append(unit)
        else:
            result.unchanged += 1
    AdminUnit.objects.bulk_create(to_create, batch_size=500)
    AdminUnit.objects.bulk_update(to_update, _LOADED_FIELDS, batch_size=500)
    result.created += len(to_create)
    result.updated += len(to_update)


def _differs(unit: AdminUnit, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        if name == "parent":
            if unit.parent_id != (value.pk if value is not None else None):
                return True
        elif getattr(unit, name) != value:
            return True
    return False


@dataclass
class HistoricalUnit:
    """A unit of the three-tier model (before 1/7/2025) with its children and the code of the
    two-tier unit that took it over, if any."""

    code: str
    name: str
    kind: str
    children: list[HistoricalUnit] = field(default_factory=list)
    successor_code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = TWO_TIER_FIRST_DAY


def record_historical_units(root: HistoricalUnit, parent: AdminUnit | None = None) -> AdminUnit:
    """Create or update `root` and its descendants in the three-tier model (ORG-03).

    Successor codes name units of the two-tier model; an unknown one raises NotFound so a mapping
    is never half recorded.
    """
    with transaction.atomic():
        return _record_historical(root, parent)


def _record_historical(node: HistoricalUnit, parent: AdminUnit | None) -> AdminUnit:
    successor = None
    if node.successor_code:
        successor = admin_unit_as_of(node.successor_code, node.valid_to or TWO_TIER_FIRST_DAY)
    unit, _created = AdminUnit.objects.update_or_create(
        tier_model=TierModel.THREE_TIER,
        code=node.code,
        defaults={
            "name": node.name,
            "kind": node.kind,
            "parent": parent,
            "successor": successor,
            "valid_from": node.valid_from,
            "valid_to": node.valid_to,
        },
    )
    for child in node.children:
        _record_historical(child, unit)
    return unit


def admin_unit_as_of(code: str, on: date) -> AdminUnit:
    """The unit with GSO code `code` that was in force on `on` (codes were reused after 2025)."""
    candidates = AdminUnit.objects.select_related("parent", "successor").filter(code=code.strip())
    for unit in candidates.order_by("-valid_from"):
        if unit.in_force_on(on):
            return unit
    raise NotFound(
        "unknown_admin_unit",
        _("Không có đơn vị hành chính mã “%(code)s” vào ngày %(date)s.")
        % {"code": code, "date": on.strftime("%d/%m/%Y")},
    )


def current_unit(unit: AdminUnit) -> AdminUnit:
    """Follow successor links to the unit that carries on `unit` today (itself when none)."""
    seen = {unit.pk}
    while unit.successor_id is not None and unit.successor_id not in seen:
        unit = unit.successor  # type: ignore[assignment]
        seen.add(unit.pk)
    return unit

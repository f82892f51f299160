"""Load agencies, departments, officials and roles from a JSON document (demo data, go-live import).

Everything is validated first and every problem is reported with its path (`agencies[3].code`);
then everything is written in one transaction. Running the same document again changes nothing,
and an existing user's password is never reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError, ValidationFailed
from motcua.core.text import nfc
from motcua.organizations.models import (
    AdminUnit,
    Agency,
    AgencyIdentifier,
    AgencyKind,
    AgencyLevel,
    Department,
    Official,
    Role,
    RoleAssignment,
    TierModel,
)
from motcua.organizations.validation import MAX_AGENCY_DEPTH, code_errors

_TEXT_LIMITS = {"name": 300, "short_name": 30, "phone": 30, "address": 300, "title": 150, "full_name": 150}


@dataclass
class AgencyLoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1


class _Checker:
    """Collects every problem of the document; `known` maps any identifier to the current code."""

    def __init__(self, data: Any) -> None:
        self.errors: list[FieldError] = []
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.fail("", "invalid", _("Tài liệu phải là một đối tượng JSON."))
        self.agencies = self._list("agencies")
        self.officials = self._list("officials")
        self.known = dict(AgencyIdentifier.objects.values_list("code", "agency__code"))
        self.aliases = set(AgencyIdentifier.objects.filter(is_current=False).values_list("code", flat=True))
        self.doc_codes: dict[str, int] = {}
        self.doc_departments: dict[str, set[str]] = {}

    def fail(self, path: str, code: str, message: str, row: int | None = None) -> None:
        self.errors.append(FieldError(path, code, message, row))

    def _list(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "invalid", _("“%(key)s” phải là một danh sách.") % {"key": key})
            return []
        return value

    def text(self, item: dict[str, Any], key: str, path: str, row: int, *, required: bool = False) -> str:
        value = item.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", "invalid", _("Giá trị phải là chuỗi."), row)
            return ""
        value = nfc(value)
        if required and not value:
            self.fail(f"{path}.{key}", "required", _("Trường này không được để trống."), row)
        limit = _TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            self.fail(f"{path}.{key}", "too_long", _("Dài quá %(limit)s ký tự.") % {"limit": limit}, row)
        return value

    def choice(self, item: dict[str, Any], key: str, choices: Any, default: str, path: str, row: int) -> str:
        value = item.get(key) or default
        if value not in choices.values:
            allowed = ", ".join(choices.values)
            self.fail(
                f"{path}.{key}",
                "invalid_choice",
                _("Giá trị “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.")
                % {"value": value, "allowed": allowed},
                row,
            )
        return str(value)

    def email(self, item: dict[str, Any], path: str, row: int) -> str:
        value = self.text(item, "email", path, row)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.fail(f"{path}.email", "invalid_email", _("Địa chỉ thư điện tử không hợp lệ."), row)
        return value

    def agency_ref(self, code: Any, path: str, row: int) -> str | None:
        """The current code of the agency `code` names (in the document or the database)."""
        if isinstance(code, str) and code.strip() in self.doc_codes:
            return code.strip()
        if isinstance(code, str) and code.strip() in self.known:
            return self.known[code.strip()]
        self.fail(path, "unknown_agency", _("Không tìm thấy cơ quan “%(code)s”.") % {"code": code}, row)
        return None

    def department_exists(self, agency_code: str, code: str) -> bool:
        if code in self.doc_departments.get(agency_code, set()):
            return True
        return Department.objects.filter(agency__code=agency_code, code=code).exists()


def _check_agencies(ck: _Checker) -> list[dict[str, Any]]:
    """First pass: identifiers and plain fields; references are checked once all codes are known."""
    specs: list[dict[str, Any]] = []
    for i, item in enumerate(ck.agencies):
        path = f"agencies[{i}]"
        if not isinstance(item, dict):
            ck.fail(path, "invalid", _("Mỗi cơ quan phải là một đối tượng."), i)
            continue
        is_external = bool(item.get("is_external", False))
        code = item.get("code") if isinstance(item.get("code"), str) else ""
        code = code.strip()
        for error in code_errors(code, is_external=is_external, field=f"{path}.code"):
            ck.fail(error.field, error.code, str(error.message), i)
        if code in ck.doc_codes:
            ck.fail(
                f"{path}.code",
                "duplicate",
                _("Mã “%(code)s” đã có ở agencies[%(row)s].") % {"code": code, "row": ck.doc_codes[code]},
                i,
            )
        elif code in ck.aliases:
            ck.fail(
                f"{path}.code",
                "code_is_alias",
                _("Mã “%(code)s” là mã cũ của cơ quan “%(current)s”.") % {"code": code, "current": ck.known[code]},
                i,
            )
        if code:
            ck.doc_codes.setdefault(code, i)
        specs.append(
            {
                "row": i,
                "code": code,
                "is_external": is_external,
                "name": ck.text(item, "name", path, i, required=True),
                "short_name": ck.text(item, "short_name", path, i),
                "kind": ck.choice(item, "kind", AgencyKind, AgencyKind.OTHER, path, i),
                "level": ck.choice(item, "level", AgencyLevel, AgencyLevel.PROVINCE, path, i),
                "email": ck.email(item, path, i),
                "phone": ck.text(item, "phone", path, i),
                "address": ck.text(item, "address", path, i),
                "is_one_stop_unit": bool(item.get("is_one_stop_unit", False)),
                "raw": item,
            }
        )
    return specs


def _check_references(ck: _Checker, specs: list[dict[str, Any]]) -> None:
    units = {str(s["raw"].get("admin_unit")) for s in specs if s["raw"].get("admin_unit") not in (None, "")}
    found = dict(AdminUnit.objects.filter(tier_model=TierModel.TWO_TIER_2025, code__in=units).values_list("code", "pk"))
    for spec in specs:
        i, raw, path = spec["row"], spec["raw"], f"agencies[{spec['row']}]"
        parent = raw.get("parent")
        spec["parent"] = None if parent in (None, "") else ck.agency_ref(parent, f"{path}.parent", i)
        if spec["parent"] is not None and spec["parent"] == spec["code"]:
            ck.fail(f"{path}.parent", "cycle", _("Cơ quan không thể là cấp trên của chính nó."), i)
        unit = raw.get("admin_unit")
        spec["admin_unit_id"] = None
        if unit not in (None, ""):
            spec["admin_unit_id"] = found.get(str(unit))
            if spec["admin_unit_id"] is None:
                ck.fail(
                    f"{path}.admin_unit",
                    "unknown_admin_unit",
                    _("Không có đơn vị hành chính mã “%(code)s” (danh mục từ 1/7/2025).") % {"code": unit},
                    i,
                )
        spec["departments"] = _check_departments(ck, spec)


def _check_departments(ck: _Checker, spec: dict[str, Any]) -> list[dict[str, Any]]:
    raw = spec["raw"].get("departments") or []
    i, path = spec["row"], f"agencies[{spec['row']}].departments"
    if not isinstance(raw, list):
        ck.fail(path, "invalid", _("Danh sách phòng, đơn vị không hợp lệ."), i)
        return []
    departments: list[dict[str, Any]] = []
    codes: set[str] = set()
    for j, item in enumerate(raw):
        dpath = f"{path}[{j}]"
        if not isinstance(item, dict):
            ck.fail(dpath, "invalid", _("Mỗi phòng, đơn vị phải là một đối tượng."), i)
            continue
        code = ck.text(item, "code", dpath, i, required=True)
        if len(code) > 30:
            ck.fail(f"{dpath}.code", "too_long", _("Dài quá %(limit)s ký tự.") % {"limit": 30}, i)
        if code in codes:
            ck.fail(f"{dpath}.code", "duplicate", _("Mã phòng “%(code)s” bị lặp trong cơ quan.") % {"code": code}, i)
        codes.add(code)
        parent = item.get("parent") or None
        departments.append(
            {
                "code": code,
                "name": ck.text(item, "name", dpath, i, required=True),
                "parent": parent,
                "is_one_stop_unit": bool(item.get("is_one_stop_unit", False)),
                "path": dpath,
            }
        )
    ck.doc_departments[spec["code"]] = codes
    by_code = {d["code"]: d for d in departments}
    for dep in departments:
        if dep["parent"] is not None and not ck.department_exists(spec["code"], dep["parent"]):
            ck.fail(
                f"{dep['path']}.parent",
                "unknown_department",
                _("Không có phòng “%(code)s” trong cơ quan.") % {"code": dep["parent"]},
                i,
            )
        seen, current = {dep["code"]}, by_code.get(dep["parent"] or "")
        while current is not None:
            if current["code"] in seen:
                ck.fail(f"{dep['path']}.parent", "cycle", _("Đơn vị cấp trên tạo thành vòng lặp."), i)
                break
            seen.add(current["code"])
            current = by_code.get(current["parent"] or "")
    return departments


_UNREACHABLE = 10**6  # depth given to agencies on or above a cycle


def _depths(parents: dict[str, str | None]) -> tuple[dict[str, int], set[str]]:
    """Depth of every agency (root = 1) and the agencies that sit on a parent cycle."""
    depths: dict[str, int] = {}
    cyclic: set[str] = set()
    for code in parents:
        chain, current = [], code
        while current is not None and current not in depths and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current is not None and current in chain:
            cyclic.update(chain[chain.index(current) :])
            depths.update(dict.fromkeys(chain, _UNREACHABLE))
            continue
        base = depths.get(current, 0) if current is not None else 0
        for offset, c in enumerate(reversed(chain), start=1):
            depths[c] = base + offset
    return depths, cyclic


def _check_tree(ck: _Checker, specs: list[dict[str, Any]]) -> dict[str, int]:
    """ORG-05 on the tree as it will be: database agencies overlaid with the document.

    A problem is reported on the nearest agency of the document at or above the agency that breaks
    the rule, since that is the row the author can fix.
    """
    parents: dict[str, str | None] = dict(Agency.objects.values_list("code", "parent__code"))
    rows = {s["code"]: s["row"] for s in specs if s["code"]}
    parents.update({s["code"]: s.get("parent") for s in specs if s["code"]})
    depths, cyclic = _depths(parents)
    reported: set[str] = set()
    for code, depth in depths.items():
        if depth <= MAX_AGENCY_DEPTH or (depth == _UNREACHABLE and code not in cyclic):
            continue
        culprit, hops = code, 0
        while culprit is not None and culprit not in rows and hops <= MAX_AGENCY_DEPTH + 1:
            culprit, hops = parents.get(culprit), hops + 1
        if culprit is None or culprit not in rows or culprit in reported:
            continue
        reported.add(culprit)
        if code in cyclic:
            ck.fail(
                f"agencies[{rows[culprit]}].parent", "cycle", _("Quan hệ cấp trên tạo thành vòng lặp."), rows[culprit]
            )
        else:
            message = _("Cây cơ quan chỉ được sâu tối đa %(max)s cấp.") % {"max": MAX_AGENCY_DEPTH}
            ck.fail(f"agencies[{rows[culprit]}].parent", "too_deep", message, rows[culprit])
    return depths


def _check_officials(ck: _Checker) -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = []
    usernames: dict[str, int] = {}
    for i, item in enumerate(ck.officials):
        path = f"officials[{i}]"
        if not isinstance(item, dict):
            ck.fail(path, "invalid", _("Mỗi cán bộ phải là một đối tượng."), i)
            continue
        username = ck.text(item, "username", path, i, required=True)
        if username in usernames:
            ck.fail(f"{path}.username", "duplicate", _("Tên đăng nhập “%(name)s” bị lặp.") % {"name": username}, i)
        usernames.setdefault(username, i)
        agency = ck.agency_ref(item.get("agency"), f"{path}.agency", i)
        department = item.get("department") or None
        if agency and department and not ck.department_exists(agency, department):
            ck.fail(
                f"{path}.department",
                "unknown_department",
                _("Không có phòng “%(code)s” trong cơ quan.") % {"code": department},
                i,
            )
        specs.append(
            {
                "row": i,
                "username": username,
                "agency": agency,
                "department": department,
                "full_name": ck.text(item, "full_name", path, i, required=True),
                "title": ck.text(item, "title", path, i),
                "email": ck.email(item, path, i),
                "phone": ck.text(item, "phone", path, i),
                "roles": _check_roles(ck, item.get("roles") or [], path, i),
            }
        )
    return specs


def _check_roles(ck: _Checker, raw: Any, path: str, i: int) -> list[tuple[str, str, str | None]]:
    if not isinstance(raw, list):
        ck.fail(f"{path}.roles", "invalid", _("Danh sách vai trò không hợp lệ."), i)
        return []
    roles = []
    for k, item in enumerate(raw):
        rpath = f"{path}.roles[{k}]"
        if not isinstance(item, dict):
            ck.fail(rpath, "invalid", _("Mỗi vai trò phải là một đối tượng."), i)
            continue
        role = ck.choice(item, "role", Role, "", rpath, i)
        agency = ck.agency_ref(item.get("agency"), f"{rpath}.agency", i)
        department = item.get("department") or None
        if agency and department and not ck.department_exists(agency, department):
            ck.fail(
                f"{rpath}.department",
                "unknown_department",
                _("Không có phòng “%(code)s” trong cơ quan.") % {"code": department},
                i,
            )
        if agency and agency not in ck.doc_codes and not Agency.objects.get(code=agency).is_active:
            ck.fail(
                f"{rpath}.agency", "agency_inactive", _("Cơ quan “%(code)s” không còn hoạt động.") % {"code": agency}, i
            )
        if agency:
            roles.append((role, agency, department))
    return roles


def load_agencies(data: dict[str, Any], *, password: str | None = None) -> AgencyLoadResult:
    """Validate `data` completely, then create or update its agencies, departments, users,
    officials and role assignments in one transaction (all or nothing).

    New users get `password` (or an unusable password when None); existing users keep theirs.
    Role assignments are added, never removed, so roles given in the admin survive a reload.
    Raises ValidationFailed whose `fields` name each bad value by path, e.g. `agencies[3].code`.
    """
    with transaction.atomic():
        ck = _Checker(data)
        agencies = _check_agencies(ck)
        _check_references(ck, agencies)
        depths = _check_tree(ck, agencies)
        officials = _check_officials(ck)
        if ck.errors:
            raise ValidationFailed(
                _("Tài liệu cơ quan, cán bộ có %(count)s lỗi; chưa ghi gì vào cơ sở dữ liệu.")
                % {"count": len(ck.errors)},
                ck.errors,
            )
        result = AgencyLoadResult()
        # Hashed once, only if needed: PBKDF2 takes ~0.25 s and every new user of one load gets the
        # same password.
        usernames = {spec["username"] for spec in officials}
        existing = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
        password_hash = make_password(password) if usernames - existing else ""
        for spec in sorted(agencies, key=lambda s: depths.get(s["code"], 0)):
            agency = _write_agency(spec, result)
            _write_departments(agency, spec["departments"], result)
        for spec in officials:
            _write_official(spec, password_hash, result)
    return result


_AGENCY_FIELDS = ("name", "short_name", "kind", "level", "email", "phone", "address", "is_one_stop_unit", "is_external")


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _write_agency(spec: dict[str, Any], result: AgencyLoadResult) -> Agency:
    agency = Agency.objects.filter(code=spec["code"]).first()
    created = agency is None
    if agency is None:
        agency = Agency(code=spec["code"])
    values = {name: spec[name] for name in _AGENCY_FIELDS}
    values["parent_id"] = (
        Agency.objects.values_list("pk", flat=True).get(code=spec["parent"]) if spec["parent"] else None
    )
    values["admin_unit_id"] = spec["admin_unit_id"]
    if _apply(agency, values) or created:
        agency.save()
        result.count("agencies", created)
    return agency


def _write_departments(agency: Agency, departments: list[dict[str, Any]], result: AgencyLoadResult) -> None:
    by_code = {d["code"]: d for d in departments}

    def depth(dep: dict[str, Any]) -> int:
        level, current = 0, dep
        while current is not None and level <= len(departments):
            level, current = level + 1, by_code.get(current["parent"] or "")
        return level

    for dep in sorted(departments, key=depth):
        department = Department.objects.filter(agency=agency, code=dep["code"]).first()
        created = department is None
        if department is None:
            department = Department(agency=agency, code=dep["code"])
        parent_id = None
        if dep["parent"]:
            parent_id = Department.objects.values_list("pk", flat=True).get(agency=agency, code=dep["parent"])
        values = {"name": dep["name"], "parent_id": parent_id, "is_one_stop_unit": dep["is_one_stop_unit"]}
        if _apply(department, values) or created:
            department.save()
            result.count("departments", created)


def _write_official(spec: dict[str, Any], password_hash: str, result: AgencyLoadResult) -> None:
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec["username"]).first()
    if user is None:
        user = user_model(username=spec["username"], email=user_model.objects.normalize_email(spec["email"]))
        user.password = password_hash
        user.save()
        result.count("users", True)
    elif spec["email"] and user.email != spec["email"]:
        user.email = spec["email"]
        user.save(update_fields=["email"])
        result.count("users", False)
    agency_ids = dict(
        Agency.objects.filter(code__in={spec["agency"], *[r[1] for r in spec["roles"]]}).values_list("code", "pk")
    )
    official = Official.objects.filter(user=user).first()
    created = official is None
    if official is None:
        official = Official(user=user)
    values = {
        "full_name": spec["full_name"],
        "title": spec["title"],
        "phone": spec["phone"],
        "agency_id": agency_ids[spec["agency"]],
        "department_id": _department_id(agency_ids[spec["agency"]], spec["department"]),
    }
    if _apply(official, values) or created:
        official.save()
        result.count("officials", created)
    for role, agency_code, department_code in spec["roles"]:
        agency_id = agency_ids[agency_code]
        _row, made = RoleAssignment.objects.get_or_create(
            official=official, role=role, agency_id=agency_id, department_id=_department_id(agency_id, department_code)
        )
        if made:
            result.count("role_assignments", True)


def _department_id(agency_id: int, code: str | None) -> int | None:
    if not code:
        return None
    return Department.objects.values_list("pk", flat=True).get(agency_id=agency_id, code=code)

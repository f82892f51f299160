"""Small builders for organization tests (the full official unit list is loaded in one module only)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from motcua.organizations.models import (
    TWO_TIER_FIRST_DAY,
    AdminUnit,
    AdminUnitKind,
    Agency,
    AgencyKind,
    AgencyLevel,
    Department,
    Official,
    RoleAssignment,
    TierModel,
)

PASSWORD = "mat-khau-thu-nghiem-2025"


def province(code="14", name="Tỉnh Sơn La"):
    return AdminUnit.objects.create(
        code=code,
        name=name,
        kind=AdminUnitKind.PROVINCE,
        tier_model=TierModel.TWO_TIER_2025,
        valid_from=TWO_TIER_FIRST_DAY,
    )


def commune(parent, code="03646", name="Phường Tô Hiệu", kind=AdminUnitKind.WARD):
    return AdminUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        tier_model=TierModel.TWO_TIER_2025,
        valid_from=TWO_TIER_FIRST_DAY,
    )


def agency(code="000.00.00.H52", name="Ủy ban nhân dân tỉnh Sơn La", parent=None, **fields):
    fields.setdefault("short_name", "UBND")
    fields.setdefault("kind", AgencyKind.PEOPLES_COMMITTEE if parent is None else AgencyKind.DEPARTMENT)
    fields.setdefault("level", AgencyLevel.PROVINCE)
    return Agency.objects.create(code=code, name=name, parent=parent, **fields)


def chain(depth, level1="H52"):
    """A root agency and `depth - 1` descendants, one per level; returns them root first."""
    codes = [f"000.00.00.{level1}", f"000.00.01.{level1}", f"000.01.01.{level1}", f"001.01.01.{level1}"]
    codes += [f"00{i}.01.01.{level1}" for i in range(2, 8)]
    nodes, parent = [], None
    for i in range(depth):
        parent = agency(code=codes[i], name=f"Cơ quan cấp {i + 1}", parent=parent)
        nodes.append(parent)
    return nodes


def official(username="chuyenvien", owner=None, department=None, roles=()):
    owner = owner or agency()
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    person = Official.objects.create(user=user, full_name="Nguyễn Văn A", agency=owner, department=department)
    for role in roles:
        RoleAssignment.objects.create(official=person, role=role, agency=owner, department=department)
    return person


def department(owner, code="VP", name="Văn phòng", parent=None):
    return Department.objects.create(agency=owner, code=code, name=name, parent=parent)

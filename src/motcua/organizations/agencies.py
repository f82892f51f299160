"""Agencies and roles: validation, identifier changes, alias resolution, role checks (ORG-01, 05-07)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.organizations.models import Agency, AgencyIdentifier, Role, RoleAssignment
from motcua.organizations.validation import agency_errors, role_assignment_errors


def resolve_agency(code: str) -> Agency:
    """The agency whose current or any previous identifier is `code` (ORG-06).

    Records issued under an old identifier stay resolvable after a merger or renumbering; the
    current agency is returned, so callers compare `agency.code` to see whether `code` was an alias.
    """
    text = (code or "").strip()
    row = AgencyIdentifier.objects.select_related("agency", "agency__parent", "agency__admin_unit").filter(code=text)
    found = row.first()
    if found is None:
        raise NotFound("unknown_agency", _("Không tìm thấy cơ quan có mã định danh “%(code)s”.") % {"code": text})
    return found.agency


def validate_agency(agency: Agency) -> None:
    """Raise ValidationFailed listing every problem (identifier, aliases, tree) of `agency`."""
    errors = agency_errors(agency)
    if errors:
        raise ValidationFailed(_("Thông tin cơ quan không hợp lệ."), errors)


def save_agency(agency: Agency) -> Agency:
    """Validate and save; the ORM save writes the audit record and the identifier index."""
    agency.code = (agency.code or "").strip()
    with transaction.atomic():
        validate_agency(agency)
        agency.save()
    return agency


def change_agency_code(agency: Agency, new_code: str) -> Agency:
    """Give `agency` a new identifier; the old one becomes an alias that still resolves (ORG-06)."""
    new_code = (new_code or "").strip()
    old_code = agency.code
    if new_code == old_code:
        return agency
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        agency.code = new_code
        # An agency may get back one of its own old identifiers; it then stops being an alias.
        agency.previous_codes = [c for c in [*agency.previous_codes, old_code] if c != new_code]
        validate_agency(agency)
        agency.save()
    return agency


def agency_depth(agency: Agency) -> int:
    """1 for a root agency; parents are followed at most a few steps (the tree is ≤ 4 deep)."""
    depth, current, seen = 1, agency.parent, {agency.pk}
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        depth += 1
        current = current.parent
    return depth


def current_assignments(user: Any) -> list[RoleAssignment]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.select_related("agency", "department")
        .filter(official__user=user, official__is_active=True)
        .order_by("agency__code", "role", "department__code")
    )
    return [row for row in rows if row.in_force_on(today)]


def roles_of(user: Any) -> list[tuple[str, str, str | None]]:
    """The roles `user` holds today as (role, agency code, department code or None)."""
    return [
        (row.role, row.agency.code, row.department.code if row.department_id else None)
        for row in current_assignments(user)
    ]


def has_role(user: Any, role: str, agency: Agency | str) -> bool:
    """Whether `user` holds `role` today in `agency` (an Agency or any of its identifiers).

    A role held in one department also counts for its agency. `provincial_admin` held in an agency
    also covers every agency below it; other roles are exact.
    """
    if isinstance(agency, str):
        try:
            agency = resolve_agency(agency)
        except NotFound:
            return False
    held = {row.agency_id for row in current_assignments(user) if row.role == role}
    if not held:
        return False
    if agency.pk in held:
        return True
    if role != Role.PROVINCIAL_ADMIN:
        return False
    current, seen = agency.parent, {agency.pk}
    while current is not None and current.pk not in seen:
        if current.pk in held:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


def assign_role(assignment: RoleAssignment) -> RoleAssignment:
    """Validate and save a role assignment (agency in force, department inside it)."""
    errors = role_assignment_errors(assignment)
    if errors:
        raise ValidationFailed(_("Phân quyền không hợp lệ."), errors)
    assignment.save()
    return assignment

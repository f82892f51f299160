"""Rules for agencies and role assignments, shared by the admin (via `clean`) and the services.

Each function returns a list of `FieldError`s instead of raising, so a caller can collect every
problem of a form or an import document and show them together.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import FieldError
from motcua.organizations.codes import agency_code_problem, is_blank_agency_code, is_canonical_agency_code
from motcua.organizations.models import Agency, AgencyIdentifier, RoleAssignment, normalise_previous_codes

MAX_AGENCY_DEPTH = 4  # ORG-05


def code_errors(code: str, *, is_external: bool, field: str = "code") -> list[FieldError]:
    """ORG-07: agencies of this platform need a canonical identifier; external partners' identifiers
    are accepted as they are (and flagged by `code_is_canonical`). No agency may have a blank one."""
    if is_blank_agency_code(code):
        return [FieldError(field, "required", _("Mã định danh không được để trống."))]
    if len(code.strip()) > Agency._meta.get_field("code").max_length:
        return [FieldError(field, "too_long", _("Mã định danh dài quá 40 ký tự."))]
    if not is_external and not is_canonical_agency_code(code):
        message = _("%(problem)s Nếu đây là cơ quan đối tác ngoài hệ thống, hãy đánh dấu “cơ quan ngoài hệ thống”.")
        return [FieldError(field, "not_canonical", message % {"problem": agency_code_problem(code)})]
    return []


def identifier_owner(code: str, exclude_pk: int | None = None) -> AgencyIdentifier | None:
    """The identifier row of another agency that already uses `code` as current or previous code."""
    rows = AgencyIdentifier.objects.select_related("agency").filter(code=code.strip())
    if exclude_pk is not None:
        rows = rows.exclude(agency_id=exclude_pk)
    return rows.first()


def taken_message(code: str, owner: AgencyIdentifier) -> str:
    if owner.is_current:
        template = _("Mã định danh “%(code)s” đã được dùng cho “%(name)s”.")
    else:
        template = _("Mã định danh “%(code)s” là mã cũ của “%(name)s” và vẫn được dùng để tra cứu.")
    return template % {"code": code, "name": owner.agency.name}


def agency_errors(agency: Agency) -> list[FieldError]:
    """Every problem with `agency` as it would be saved: identifier, aliases and place in the tree."""
    errors = code_errors(agency.code or "", is_external=agency.is_external)
    previous = agency.previous_codes
    if not isinstance(previous, list) or not all(isinstance(item, str) for item in previous):
        errors.append(FieldError("previous_codes", "invalid", _("Mã định danh cũ phải là một danh sách chuỗi.")))
        previous = []
    if not errors:
        for field, code in [
            ("code", agency.code),
            *[("previous_codes", c) for c in normalise_previous_codes(previous, agency.code)],
        ]:
            owner = identifier_owner(code, exclude_pk=agency.pk)
            if owner is not None:
                errors.append(FieldError(field, "code_taken", taken_message(code, owner)))
    problem = tree_problem(agency, agency.parent if agency.parent_id else None)
    if problem:
        errors.append(FieldError("parent", problem[0], problem[1]))
    return errors


def tree_problem(agency: Agency, parent: Agency | None) -> tuple[str, str] | None:
    """ORG-05: no cycles and at most MAX_AGENCY_DEPTH levels, counting `agency`'s own subtree."""
    above = 0
    seen: set[int] = set()
    current = parent
    while current is not None:
        if (agency.pk is not None and current.pk == agency.pk) or current.pk in seen:
            return "cycle", _("Không thể chọn cơ quan cấp trên là chính cơ quan này hoặc một cơ quan cấp dưới của nó.")
        seen.add(current.pk)
        above += 1
        if above > MAX_AGENCY_DEPTH:
            break
        current = current.parent
    depth = above + subtree_height(agency)
    if depth > MAX_AGENCY_DEPTH:
        return "too_deep", _("Cây cơ quan chỉ được sâu tối đa %(max)s cấp; vị trí này tạo ra %(depth)s cấp.") % {
            "max": MAX_AGENCY_DEPTH,
            "depth": depth,
        }
    return None


def subtree_height(agency: Agency) -> int:
    """1 for a leaf; one query per level, stopping one level past the allowed depth."""
    if agency.pk is None:
        return 1
    height, frontier = 1, [agency.pk]
    while frontier and height <= MAX_AGENCY_DEPTH:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        if frontier:
            height += 1
    return height


def role_assignment_errors(assignment: RoleAssignment) -> list[FieldError]:
    """A role is held in an agency that is in force, and in one of its own departments if any."""
    errors: list[FieldError] = []
    if assignment.agency_id is None:
        return [FieldError("agency", "required", _("Cần chọn cơ quan."))]
    agency = assignment.agency
    if not agency.is_active:
        errors.append(
            FieldError(
                "agency", "agency_inactive", _("Cơ quan “%(name)s” không còn hoạt động.") % {"name": agency.name}
            )
        )
    if assignment.department_id is not None and assignment.department.agency_id != agency.pk:
        errors.append(
            FieldError("department", "department_not_in_agency", _("Phòng, đơn vị không thuộc cơ quan đã chọn."))
        )
    if assignment.valid_from and assignment.valid_to and assignment.valid_to <= assignment.valid_from:
        errors.append(FieldError("valid_to", "invalid_period", _("Ngày hết hiệu lực phải sau ngày bắt đầu.")))
    return errors

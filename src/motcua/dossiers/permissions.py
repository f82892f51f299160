"""Who may act on a dossier: roles held in its agencies (DESIGN.md rule 7), token scopes for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import Forbidden
from motcua.organizations.agencies import current_assignments, roles_of

READ_SCOPE = "dossiers:read"
WRITE_SCOPE = "dossiers:write"


def dossier_agency_codes(dossier: Any) -> tuple[str, ...]:
    """The competent agency first, then the receiving unit when it is another agency (OS-INTAKE-11),
    then each agency whose inter-agency part is open (OS-PROC-04/05: the dossier is handed to it)."""
    codes = [dossier.competent_agency.code]
    if dossier.receiving_unit.code not in codes:
        codes.append(dossier.receiving_unit.code)
    if getattr(dossier, "pk", None) is not None:
        open_parts = dossier.agency_parts.filter(finished_at=None).order_by("opened_seq")
        codes.extend(code for code in open_parts.values_list("agency__code", flat=True) if code not in codes)
    return tuple(codes)


def roles_in(user: Any, agency_codes: tuple[str, ...]) -> dict[str, str]:
    """Role -> the agency (of `agency_codes`, earlier ones first) where `user` holds it today."""
    assignments = roles_of(user)
    held: dict[str, str] = {}
    for code in agency_codes:
        for role, agency_code, _department in assignments:
            if agency_code == code:
                held.setdefault(role, code)
    return held


def roles_for(dossier: Any, user: Any) -> dict[str, str]:
    return roles_in(user, dossier_agency_codes(dossier))


def scoped_agency_ids(user: Any) -> set[int]:
    """Primary keys of the agencies where `user` holds any role today (no query beyond the roles')."""
    return {row.agency_id for row in current_assignments(user)}


def scoped_agency_codes(user: Any) -> set[str]:
    """Agencies where `user` holds any role today: the scope of lists and reads."""
    return {agency_code for _role, agency_code, _department in roles_of(user)}


def refuse(user: Any, action: str, object_id: Any, object_repr: str, agency_code: str) -> Forbidden:
    """Audit a refused write (GEN-03) and return the 403 to raise."""
    audit.record(
        "forbidden",
        "dossiers.dossier",
        object_id,
        object_repr=object_repr,
        after={"action": action, "user": getattr(user, "pk", None)},
        reason="no role in the dossier's agencies",
        agency_code=agency_code,
    )
    return Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại cơ quan xử lý hồ sơ này."))


def require_scope(request: HttpRequest, scope: str) -> None:
    """Signed-in sessions act with the user's roles; API tokens only within their scopes as well."""
    token = getattr(request, "api_token", None)
    if token is not None and scope not in token.scopes:
        raise Forbidden(
            "insufficient_scope",
            _("Mã truy cập API không có phạm vi “%(scope)s”.") % {"scope": scope},
        )

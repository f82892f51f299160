"""Which agencies' figures a user may read (DESIGN.md rule 7), and the agency tree below one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden
from motcua.organizations.agencies import resolve_agency
from motcua.organizations.models import Agency

ALL = None  # no restriction


def descendants(roots: set[int]) -> set[int]:
    """`roots` and every agency below them (the tree is at most 4 deep, ORG-05)."""
    children: dict[int, list[int]] = {}
    for pk, parent in Agency.objects.values_list("pk", "parent_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def visible_agency_ids(user: Any) -> set[int] | None:
    """None for everything (superusers); else the agencies where the user holds a role today, with
    everything below an agency where they are provincial administrator or agency leader."""
    if getattr(user, "is_superuser", False):
        return ALL
    from motcua.organizations.agencies import current_assignments

    rows = current_assignments(user)
    direct = {row.agency_id for row in rows}
    wide = {row.agency_id for row in rows if row.role in ("provincial_admin", "agency_leader")}
    return direct | (descendants(wide) if wide else set())


def report_scope(user: Any, agency_code: str | None) -> tuple[list[int] | None, Agency | None]:
    """The agency ids a report for `agency_code` (None: all the user sees) may count."""
    visible = visible_agency_ids(user)
    if visible is not None and not visible:
        raise Forbidden("no_report_scope", _("Bạn không có vai trò tại cơ quan nào nên không xem được báo cáo."))
    if not agency_code:
        return (None if visible is None else sorted(visible)), None
    agency = resolve_agency(agency_code)
    wanted = descendants({agency.pk})
    if visible is not None:
        if agency.pk not in visible:
            raise Forbidden("not_in_agency_scope", _("Bạn không được xem báo cáo của cơ quan này."))
        wanted &= visible
    return sorted(wanted), agency

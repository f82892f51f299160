"""Worklists (/can-bo/) and the leader's view of the unit (/can-bo/lanh-dao/)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.queries import (
    RUNNING_STATES,
    DossierFilters,
    Scope,
    count_many,
    list_dossiers,
    resolve_scope,
)
from motcua.dossiers.states import STATE_LABELS, Role
from motcua.organizations.models import Agency
from motcua.workspace.common import DUE_SOON_DAYS, deadline_state, official_required, role_names, state_label
from motcua.workspace.worklists import COUNT_CAP, TAB_BY_KEY, TABS, parse_filters

PAGE_SIZE = 30
COUNTS_SECONDS = 30
LEADER_ROLES = {Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER}


def _rows(dossiers: list[Dossier], now: Any) -> list[dict[str, Any]]:
    return [{"dossier": d, "deadline": deadline_state(d, now), "state": state_label(d.status)} for d in dossiers]


def _count_text(value: int) -> str:
    return f"{COUNT_CAP - 1}+" if value >= COUNT_CAP else str(value)


def _scope_agencies(request: HttpRequest) -> list[Agency]:
    codes = sorted({agency for _role, agency, _dept in request.roles})  # type: ignore[attr-defined]
    return list(Agency.objects.filter(code__in=codes).only("code", "name").order_by("name"))


def _scope(request: HttpRequest) -> Scope:
    """The official's list scope, resolved once per request from the roles the gate already read."""
    return resolve_scope(request.user, agency_ids=request.agency_ids)  # type: ignore[attr-defined]


def _page(request: HttpRequest, filters: DossierFilters, now: Any) -> tuple[list[Dossier], str | None, str]:
    """One keyset page; a tampered cursor falls back to the first page with a message."""
    cursor = (request.GET.get("cursor") or "").strip()[:500] or None
    scope = _scope(request)
    try:
        rows, next_cursor = list_dossiers(request.user, filters, limit=PAGE_SIZE, cursor=cursor, now=now, scope=scope)
    except ValidationFailed:
        rows, next_cursor = list_dossiers(request.user, filters, limit=PAGE_SIZE, now=now, scope=scope)
        return rows, next_cursor, _("Liên kết trang không hợp lệ; đang hiển thị trang đầu.")
    return rows, next_cursor, ""


def _tabs(request: HttpRequest, current: str, kept: dict[str, str], counts: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "label": t.label,
            "count": counts.get(t.key, ""),
            "query": urlencode({**kept, "tab": t.key}),
            "current": t.key == current,
        }
        for t in TABS
    ]


def _current_tab(request: HttpRequest) -> Any:
    roles = role_names(request)
    default_tab = "mine" if roles & {Role.HANDLER} else ("overdue" if roles & LEADER_ROLES else "new")
    return TAB_BY_KEY.get(request.GET.get("tab", ""), TAB_BY_KEY[default_tab])


@official_required
def worklist(request: HttpRequest) -> HttpResponse:
    """One page of the chosen tab; the tab counters arrive right after it (`tab_counts`), so the
    list an official works from never waits for seven counts."""
    now = timezone.now()
    tab = _current_tab(request)
    base, typed, errors = parse_filters(request.GET)
    rows, next_cursor, notice = _page(request, tab.filters(request.user, base, now), now)
    kept = {k: v for k, v in typed.items() if v}
    context = {
        "tabs": _tabs(request, tab.key, kept, {}),
        "counts_query": urlencode({**kept, "tab": tab.key}),
        "tab": tab,
        "rows": _rows(rows, now),
        "typed": typed,
        "errors": errors,
        "notice": notice,
        "agencies": _scope_agencies(request),
        "states": [(state.value, labels[0]) for state, labels in STATE_LABELS.items()],
        "next_query": urlencode({**kept, "tab": tab.key, "cursor": next_cursor}) if next_cursor else "",
        "first_query": urlencode({**kept, "tab": tab.key}),
        "paged": bool(request.GET.get("cursor")),
        "section": "worklist",
    }
    return render(request, "workspace/worklist.html", context)


@official_required
def tab_counts(request: HttpRequest) -> HttpResponse:
    """htmx: the tab bar with how many dossiers each tab holds (bounded counts, "999+")."""
    now = timezone.now()
    tab = _current_tab(request)
    base, typed, _errors = parse_filters(request.GET)
    kept = {k: v for k, v in typed.items() if v}
    # Counters may be half a minute old: an official switching tabs does not recount the same scope.
    digest = hashlib.sha256(urlencode(sorted(kept.items())).encode()).hexdigest()
    key = f"workspace:counts:{request.user.pk}:{digest}"
    counts = cache.get(key)
    if counts is None:
        numbers = count_many(
            request.user,
            [t.filters(request.user, base, now) for t in TABS],
            cap=COUNT_CAP,
            now=now,
            scope=_scope(request),
        )
        counts = {t.key: _count_text(n) for t, n in zip(TABS, numbers, strict=True)}
        cache.set(key, counts, COUNTS_SECONDS)
    return render(request, "workspace/_tabs.html", {"tabs": _tabs(request, tab.key, kept, counts)})


def _by_officer(codes: list[str], now: Any) -> list[dict[str, Any]]:
    """Running dossiers of the unit per officer: overdue, due soon, in time (one GROUP BY)."""
    soon = now + timedelta(days=DUE_SOON_DAYS)
    rows = (
        Dossier.objects.filter(competent_agency__code__in=codes, status__in=RUNNING_STATES)
        .values("assignee__username", "assignee__official__full_name")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=soon)),
        )
        .order_by("-overdue", "-due_soon", "assignee__username")
    )
    return [
        {
            "username": row["assignee__username"] or "",
            "name": row["assignee__official__full_name"] or row["assignee__username"] or _("Chưa phân công"),
            "total": row["total"],
            "overdue": row["overdue"],
            "due_soon": row["due_soon"],
            "in_time": row["total"] - row["overdue"] - row["due_soon"],
        }
        for row in rows
    ]


@official_required
def leader(request: HttpRequest) -> HttpResponse:
    codes = sorted({a for role, a, _d in request.roles if role in LEADER_ROLES})  # type: ignore[attr-defined]
    if not codes:
        return forbidden_page(
            request, Forbidden("not_a_leader", _("Trang này dành cho lãnh đạo phòng, lãnh đạo cơ quan."))
        )
    now = timezone.now()
    officer = (request.GET.get("officer") or "").strip()[:150]
    # Overdue first, then due soon: the running dossiers ordered by due time do exactly that.
    filters = DossierFilters(
        status="in_process", assignee=officer or None, agency=codes[0] if len(codes) == 1 else None
    )
    rows, next_cursor, notice = _page(request, filters, now)
    context = {
        "officers": _by_officer(codes, now),
        "rows": _rows(rows, now),
        "officer": officer,
        "notice": notice,
        "next_query": urlencode({"officer": officer, "cursor": next_cursor}) if next_cursor else "",
        "section": "leader",
    }
    return render(request, "workspace/leader.html", context)


def forbidden_page(request: HttpRequest, error: Forbidden) -> HttpResponse:
    return render(request, "workspace/forbidden.html", {"message": error.message}, status=403)

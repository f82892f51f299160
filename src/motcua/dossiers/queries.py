"""Worklists: dossiers in the caller's agencies, filtered, keyset-paginated (ENGINEERING.md habit 1).

Keyset (not offset) paging: each page is one indexed range scan whatever its depth, and rows
inserted meanwhile never shift a page. The cursor is opaque base64 of (ordering, key, id).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import FieldError, ValidationFailed
from motcua.dossiers.models import Dossier, DossierAgencyPart
from motcua.dossiers.permissions import scoped_agency_ids
from motcua.dossiers.states import DossierState
from motcua.organizations.models import Agency

# Dossiers without a due time (not yet accepted) sort after every dated one.
_NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)
# States in which a passed due time means the dossier is overdue (its clock is running).
RUNNING_STATES = (DossierState.ACCEPTED, DossierState.IN_PROCESS, DossierState.AWAITING_PAYMENT)
ORDERINGS = ("due", "received")
# Beyond this many agencies in a scope, one query with the scope as a filter beats 2 parts per agency.
MAX_SPLIT_AGENCIES = 8


@dataclass(frozen=True)
class DossierFilters:
    status: str | None = None
    agency: str | None = None
    procedure: str | None = None
    assignee: str | None = None
    due_before: datetime | None = None
    overdue: bool | None = None
    order: str = "due"
    received_from: datetime | None = None
    received_before: datetime | None = None


def _bad_cursor() -> ValidationFailed:
    message = _("Con trỏ phân trang không hợp lệ.")
    return ValidationFailed(message, [FieldError("cursor", "invalid", message)])


def encode_cursor(order: str, key: datetime, pk: int) -> str:
    raw = json.dumps({"o": order, "k": key.isoformat(), "i": pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple[datetime, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key, pk = datetime.fromisoformat(data["k"]), int(data["i"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if data.get("o") != order or key.utcoffset() is None:
        raise _bad_cursor()
    return key, pk


@dataclass(frozen=True)
class Scope:
    """What a user's lists range over: the agencies where they hold a role today and the (few)
    dossiers with an open inter-agency part in one of them (OS-PROC-04/05)."""

    agency_ids: tuple[int, ...]
    part_dossier_ids: tuple[int, ...]


def resolve_scope(user: Any, agency_ids: Any = None) -> Scope:
    """The user's scope, resolved before the dossier table is touched; pass `agency_ids` when the
    caller already holds them (a page computing several lists resolves the scope once)."""
    ids = tuple(sorted(scoped_agency_ids(user) if agency_ids is None else agency_ids))
    parts = (
        DossierAgencyPart.objects.filter(finished_at=None, agency_id__in=ids)
        .order_by()
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    return Scope(ids, tuple(sorted(parts)) if ids else ())


def _single_query(scope: Scope, filters: DossierFilters) -> bool:
    return bool(filters.assignee) or len(scope.agency_ids) > MAX_SPLIT_AGENCIES


def _statuses(filters: DossierFilters) -> list[str | None]:
    """The statuses a list is split by: a "due before" or "overdue" question means the running states."""
    if filters.status:
        return [filters.status]
    if filters.due_before or filters.overdue:
        return [str(state) for state in RUNNING_STATES]
    return [None]


def _arms(scope: Scope, filters: DossierFilters, now: datetime) -> list[QuerySet[Dossier]]:
    """The scope as disjoint parts, each one range of an index in list order (ENGINEERING.md habit 1).

    An OR over the competent agency, the receiving unit and the open parts cannot be read in due
    order from any index: PostgreSQL collects every dossier of the agency (a bitmap of 50,000 rows
    for a department) and sorts them. Split per agency and per status instead, each part is an
    ordered index scan that stops after one page, and the parts never overlap, so their counts add
    up and their pages merge without duplicates:

    - competent agency = A (index on competent agency, status, due time, id);
    - receiving unit = A, competent agency outside the scope (partial indexes on the receiving
      unit where it differs from the competent agency: small, one-stop centres receiving for others);
    - an open part in the scope, both agencies outside it (a primary-key list).
    """
    ids, with_parts = list(scope.agency_ids), list(scope.part_dossier_ids)
    rows = _filtered(Dossier.objects.all(), filters, now)
    arms: list[QuerySet[Dossier]] = []
    for status in _statuses(filters):
        by_status = rows if status is None else rows.filter(status=status)
        for agency_id in ids:
            arms.append(by_status.filter(competent_agency_id=agency_id))
            arms.append(
                by_status.filter(receiving_unit_id=agency_id)
                .exclude(receiving_unit_id=F("competent_agency_id"))
                .exclude(competent_agency_id__in=ids)
            )
        if with_parts:
            arms.append(
                by_status.filter(pk__in=with_parts)
                .exclude(competent_agency_id__in=ids)
                .exclude(receiving_unit_id__in=ids)
            )
    return arms


def _filtered(rows: QuerySet[Dossier], filters: DossierFilters, now: datetime) -> QuerySet[Dossier]:
    """Every filter but the status (`_arms` splits by status)."""
    if filters.agency:
        agency_ids = Agency.objects.filter(code=filters.agency).values("pk")
        rows = rows.filter(Q(competent_agency_id__in=agency_ids) | Q(receiving_unit_id__in=agency_ids))
    if filters.procedure:
        versions = ProcedureVersion.objects.filter(procedure__procedure_code=filters.procedure).values("pk")
        rows = rows.filter(procedure_version_id__in=versions)
    if filters.assignee:
        # One scalar sub-query (run once), so the assignee's index range is the plan, not a join.
        user_id = get_user_model().objects.filter(username=filters.assignee).values("pk")[:1]
        rows = rows.filter(assignee_id=Subquery(user_id))
    if filters.due_before:
        # "Due before" is a worklist question: only dossiers whose clock is still running.
        rows = rows.filter(due_at__lt=filters.due_before, status__in=RUNNING_STATES)
        if filters.overdue is False:
            rows = rows.filter(due_at__gte=now)  # the same rows as "not overdue", as an index range
    if filters.received_from:
        rows = rows.filter(received_at__gte=filters.received_from)
    if filters.received_before:
        rows = rows.filter(received_at__lt=filters.received_before)
    overdue = Q(due_at__lt=now, status__in=RUNNING_STATES)
    if filters.overdue is True:
        rows = rows.filter(overdue)
    elif filters.overdue is False:
        rows = rows.exclude(overdue)
    return rows


def count_dossiers(
    user: Any, filters: DossierFilters, *, cap: int, now: datetime | None = None, scope: Scope | None = None
) -> int:
    """How many dossiers `list_dossiers` would page through, counting at most `cap` (tab counters:
    a bounded count stays one short index scan per part however large the table grows)."""
    return count_many(user, [filters], cap=cap, now=now, scope=scope)[0]


def count_many(
    user: Any,
    filter_sets: list[DossierFilters],
    *,
    cap: int,
    now: datetime | None = None,
    scope: Scope | None = None,
) -> list[int]:
    """`count_dossiers` for several lists (a worklist's tabs) in one round trip: one statement
    selecting, per scope part of each list, the count of at most `cap` of its rows."""
    now = now or timezone.now()
    scope = scope or resolve_scope(user)
    parts: list[tuple[int, str, tuple[Any, ...]]] = []
    for index, filters in enumerate(filter_sets):
        for arm in [_in_scope(scope, filters, now)] if _single_query(scope, filters) else _arms(scope, filters, now):
            sql, params = arm.order_by().values("pk")[:cap].query.sql_with_params()
            parts.append((index, sql, tuple(params)))
    totals = [0] * len(filter_sets)
    if not parts:
        return totals
    # The SQL of our own querysets, their parameters passed apart: nothing typed is spliced in.
    columns = ", ".join(f"(SELECT COUNT(*) FROM ({sql}) AS part{n})" for n, (_i, sql, _p) in enumerate(parts))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", [value for _i, _sql, params in parts for value in params])
        counted = cursor.fetchone()
    for (index, _sql, _params), value in zip(parts, counted, strict=True):
        totals[index] = min(cap, totals[index] + int(value))
    return totals


def list_dossiers(
    user: Any,
    filters: DossierFilters,
    *,
    limit: int,
    cursor: str | None = None,
    now: datetime | None = None,
    scope: Scope | None = None,
) -> tuple[list[Dossier], str | None]:
    """One page of dossiers in agencies where `user` holds a role, and the cursor of the next page.

    `order="due"`: earliest due first, undated last, by (due_at, id); `order="received"`: newest
    first, by (received_at, id) descending. Each part of the scope (`_arms`) gives at most one page
    of (key, id) in that order; the merged first page is then read with its relations in one query.
    """
    if filters.order not in ORDERINGS:
        raise ValidationFailed(
            _("Thứ tự sắp xếp không hợp lệ."), [FieldError("order", "invalid", ", ".join(ORDERINGS))]
        )
    now = now or timezone.now()
    column = "due_at" if filters.order == "due" else "received_at"
    after = _after(filters.order, cursor) if cursor else None
    scope = scope or resolve_scope(user)
    relations = ("procedure_version__procedure", "competent_agency", "assignee")
    if _single_query(scope, filters):
        # One official's dossiers are one short range of the assignee index: a single query with
        # the scope as a filter is cheaper than assembling the parts (so is a very wide scope).
        rows = _ordered(_in_scope(scope, filters, now), filters.order, after)
        page = list(rows.select_related(*relations)[: limit + 1])
        keys = [(getattr(dossier, column), dossier.pk) for dossier in page]
    else:
        keys = _first_keys(
            [
                _ordered(arm, filters.order, after).values_list(column, "id")[: limit + 1]
                for arm in _arms(scope, filters, now)
            ]
        )
        keys.sort(key=lambda row: (row[0] is None, row[0] or _NO_DUE, row[1]), reverse=filters.order != "due")
        keys = keys[: limit + 1]
        by_id = Dossier.objects.select_related(*relations).in_bulk([pk for _key, pk in keys])
        page = [by_id[pk] for _key, pk in keys if pk in by_id]
    if len(page) <= limit:
        return page, None
    last_key, last_pk = keys[limit - 1]
    return page[:limit], encode_cursor(filters.order, last_key or _NO_DUE, last_pk)


def _ordered(rows: QuerySet[Dossier], order: str, after: Q | None) -> QuerySet[Dossier]:
    if after is not None:
        rows = rows.filter(after)
    if order == "due":
        return rows.order_by(F("due_at").asc(nulls_last=True), "id")
    return rows.order_by(F("received_at").desc(nulls_first=True), "-id")


def _in_scope(scope: Scope, filters: DossierFilters, now: datetime) -> QuerySet[Dossier]:
    """The whole scope as one OR of plain column tests (the same rows as the union of `_arms`)."""
    ids = list(scope.agency_ids)
    condition = Q(competent_agency_id__in=ids) | Q(receiving_unit_id__in=ids)
    if scope.part_dossier_ids:
        condition |= Q(pk__in=list(scope.part_dossier_ids))
    rows = _filtered(Dossier.objects.filter(condition), filters, now)
    return rows.filter(status=filters.status) if filters.status else rows


def _first_keys(arms: list[Any]) -> list[tuple[datetime | None, int]]:
    """The (key, id) rows of every part in one round trip: `SELECT * FROM (part) UNION ALL ...`,
    each part keeping its own ORDER BY and LIMIT (valid on PostgreSQL and SQLite)."""
    if not arms:
        return []
    compiled = [arm.query.sql_with_params() for arm in arms]
    # The SQL of our own querysets, their parameters passed apart: nothing typed is spliced in.
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS part{n}" for n, (part, _p) in enumerate(compiled))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _part, params in compiled for value in params])
        return [(_moment(key), int(pk)) for key, pk in cursor.fetchall()]


def _moment(value: Any) -> datetime | None:
    """A timestamp read without the ORM's converters (SQLite gives text): aware, in UTC."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _after(order: str, cursor: str) -> Q:
    """Rows after the cursor's (key, id) in the list's order; undated rows come last (`_NO_DUE`)."""
    key, pk = decode_cursor(cursor, order)
    if order == "due":
        if key == _NO_DUE:
            return Q(due_at=None, id__gt=pk)
        return Q(due_at__gt=key) | Q(due_at=key, id__gt=pk) | Q(due_at=None)
    if key == _NO_DUE:
        return Q(received_at=None, id__lt=pk) | Q(received_at__isnull=False)
    return Q(received_at__lt=key) | Q(received_at=key, id__lt=pk)

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

from django.db.models import DateTimeField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _scope(user: Any) -> Q:
    """Dossiers of the agencies where `user` holds a role: competent agency, receiving unit, or an
    open inter-agency part (OS-PROC-04/05).

    Agency codes and the (few) dossiers with an open part are resolved first, so the condition is an
    OR of plain column tests that PostgreSQL answers with a union of index scans, not a join and a
    correlated sub-query per row of a table with millions of dossiers."""
    ids = scoped_agency_ids(user)
    scope = Q(competent_agency_id__in=ids) | Q(receiving_unit_id__in=ids)
    with_parts = list(
        DossierAgencyPart.objects.filter(finished_at=None, agency_id__in=ids).values_list("dossier_id", flat=True)
    )
    if with_parts:
        scope |= Q(pk__in=with_parts)
    return scope


def _filtered(user: Any, filters: DossierFilters, now: datetime) -> QuerySet[Dossier]:
    rows = Dossier.objects.filter(_scope(user))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.agency:
        agency_ids = list(Agency.objects.filter(code=filters.agency).values_list("pk", flat=True))
        rows = rows.filter(Q(competent_agency_id__in=agency_ids) | Q(receiving_unit_id__in=agency_ids))
    if filters.procedure:
        rows = rows.filter(procedure_version__procedure__procedure_code=filters.procedure)
    if filters.assignee:
        rows = rows.filter(assignee__username=filters.assignee)
    if filters.due_before:
        # "Due before" is a worklist question: only dossiers whose clock is still running.
        rows = rows.filter(due_at__lt=filters.due_before, status__in=RUNNING_STATES)
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


def count_dossiers(user: Any, filters: DossierFilters, *, cap: int, now: datetime | None = None) -> int:
    """How many dossiers `list_dossiers` would page through, counting at most `cap` (tab counters:
    a bounded count stays one short index scan however large the table grows)."""
    rows = _filtered(user, filters, now or timezone.now()).order_by()
    return int(rows.values("pk")[:cap].count())


def list_dossiers(
    user: Any, filters: DossierFilters, *, limit: int, cursor: str | None = None, now: datetime | None = None
) -> tuple[list[Dossier], str | None]:
    """One page of dossiers in agencies where `user` holds a role, and the cursor of the next page.

    `order="due"`: earliest due first, undated last, by (due_at, id); `order="received"`: newest
    first, by (received_at, id) descending.
    """
    if filters.order not in ORDERINGS:
        raise ValidationFailed(
            _("Thứ tự sắp xếp không hợp lệ."), [FieldError("order", "invalid", ", ".join(ORDERINGS))]
        )
    rows = _filtered(user, filters, now or timezone.now())
    if filters.order == "due":
        rows = rows.annotate(sort_key=Coalesce("due_at", Value(_NO_DUE, output_field=DateTimeField())))
        if cursor:
            key, pk = decode_cursor(cursor, "due")
            rows = rows.filter(Q(sort_key__gt=key) | Q(sort_key=key, id__gt=pk))
        rows = rows.order_by("sort_key", "id")
    else:
        rows = rows.annotate(sort_key=Coalesce("received_at", Value(_NO_DUE, output_field=DateTimeField())))
        if cursor:
            key, pk = decode_cursor(cursor, "received")
            rows = rows.filter(Q(received_at__lt=key) | Q(received_at=key, id__lt=pk))
        rows = rows.order_by("-received_at", "-id")
    page = list(rows.select_related("procedure_version__procedure", "competent_agency", "assignee")[: limit + 1])
    if len(page) <= limit:
        return page, None
    last = page[limit - 1]
    return page[:limit], encode_cursor(filters.order, last.sort_key, last.pk)

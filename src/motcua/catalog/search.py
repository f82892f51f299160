"""Procedure search (GEN-06): diacritic-insensitive, every word must match, ranked.

The search runs on `ProcedureVersion.search_text`, folded once at save time (lower case, no
diacritics, đ -> d) and holding the name and the codes, so the same plain LIKE works on SQLite and
PostgreSQL without unaccent. With ~2,000 procedures in force the scan is a few milliseconds; the
in-force filter uses the (status, valid_from, valid_to) index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import Collate
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion, Sector
from motcua.catalog.versioning import in_force_filter
from motcua.core.text import fold
from motcua.organizations.models import Agency

RANK_CODE, RANK_PREFIX, RANK_CONTAINS = 0, 1, 2
# Folded keys are plain ASCII: a byte-wise collation sorts them the same on both databases and
# spares PostgreSQL the locale-aware comparison.
BINARY_COLLATION = {"postgresql": "C", "sqlite": "BINARY"}
# Large columns a result list never shows (the raw national payload can be tens of kilobytes).
LIST_DEFERRED = ("national_payload", "search_text", "steps", "requirements", "receiving_place")


@dataclass
class SearchPage:
    items: list[ProcedureVersion]
    count: int
    limit: int
    offset: int


def _max_limit() -> int:
    return int(settings.MOTCUA.get("API_MAX_PAGE_SIZE", 200))


def _apply_filters(
    queryset: QuerySet[ProcedureVersion], sector: str | None, agency: str | None, level: str | None
) -> QuerySet[ProcedureVersion]:
    if sector:
        # A sector is named by its full code (H56-TP01) or by the national field code (TP01).
        sector_ids = Sector.objects.filter(Q(code=sector) | Q(field_code=sector)).values("pk")
        queryset = queryset.filter(sector_id__in=sector_ids)
    if agency:
        through = ProcedureVersion.agencies.through
        queryset = queryset.filter(
            Exists(through.objects.filter(procedureversion_id=OuterRef("pk"), agency__code=agency.strip()))
        )
    if level:
        queryset = queryset.filter(levels_key__contains=f",{level.strip()},")
    return queryset


def search_queryset(
    q: str = "",
    *,
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    at: dt.date | None = None,
    in_force_only: bool = True,
) -> QuerySet[ProcedureVersion]:
    """The ranked, filtered queryset behind `search_procedures` (annotated with `rank`)."""
    queryset = ProcedureVersion.objects.all()
    if in_force_only:
        queryset = queryset.filter(in_force_filter(at or timezone.localdate()))
    queryset = _apply_filters(queryset, sector, agency, level)
    key = fold(q or "")
    for word in key.split():
        queryset = queryset.filter(search_text__contains=word)
    if key:
        raw = (q or "").strip()
        rank = Case(
            When(
                Q(procedure__procedure_code__iexact=raw) | Q(procedure__local_code__iexact=raw), then=Value(RANK_CODE)
            ),
            When(name_folded__startswith=key, then=Value(RANK_PREFIX)),
            default=Value(RANK_CONTAINS),
            output_field=IntegerField(),
        )
    else:
        rank = Value(RANK_CONTAINS, output_field=IntegerField())
    collation = BINARY_COLLATION.get(connection.vendor)
    name_key = Collate(F("name_folded"), collation) if collation else F("name_folded")
    # procedure_id (not the code) breaks ties, so browsing needs no join before the sort.
    return queryset.annotate(rank=rank).order_by("rank", name_key, "procedure_id", "-number")


def search_procedures(
    q: str = "",
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    limit: int = 50,
    offset: int = 0,
    *,
    at: dt.date | None = None,
    in_force_only: bool = True,
) -> SearchPage:
    """Find procedures by words of the name or by code, accents optional ("dang ky khai sinh").

    Only versions in force today (or on `at`) by default; exact code first, then names that start
    with the query, then names that contain every word. `sector` is a sector code or national field
    code, `agency` an agency's QCVN 102 code, `level` one of `Level`.
    """
    limit = max(1, min(int(limit), _max_limit()))
    offset = max(0, int(offset))
    queryset = search_queryset(q, sector=sector, agency=agency, level=level, at=at, in_force_only=in_force_only)
    # Step 1, narrow: the page's ids and the total (window count) in one round trip, sorting only
    # keys. Step 2: load just those rows with their relations, minus the large columns.
    window = queryset.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    page = list(window[offset : offset + limit])
    # An empty page past the end still needs the total; an empty first page means none.
    count = page[0][1] if page else (queryset.count() if offset else 0)
    agencies = Prefetch("agencies", queryset=Agency.objects.only("id", "code", "name"))
    rows = (
        ProcedureVersion.objects.filter(pk__in=[pk for pk, _total in page])
        .select_related("procedure", "sector")
        .defer(*LIST_DEFERRED)
        .prefetch_related(agencies)
    )
    by_id = {row.pk: row for row in rows}
    items = [by_id[pk] for pk, _total in page]
    return SearchPage(items=items, count=count, limit=limit, offset=offset)

"""Build, cache and seed working calendars (CAL-01..CAL-05, CAL-14).

`calendar_for(agency)` combines the national holiday table of the `holidays` package (lunar Tết,
Hùng Kings, days off moved to Monday, announced swaps) with `CalendarEntry` rows (province-wide
first, then the agency's own) and the agency's `AgencyCalendarSettings` (or the province defaults).

Caching: warm calendars live in a per-process dict keyed by agency. Every call reads one small row
(`CalendarVersion.token`, one indexed query); any ORM write to an entry, a settings row or an
agency replaces that token in the same transaction, so every process, on every machine, rebuilds on
its next call after the change commits. Hot loops should hold the returned `WorkCalendar`: its
methods never touch the database. Bulk queryset writes bypass signals and must not be used on
these models (the same rule as for auditing).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from motcua.calendar.engine import WorkCalendar
from motcua.calendar.models import AgencyCalendarSettings, CalendarEntry, CalendarVersion, EntryKind
from motcua.core.errors import NotFound
from motcua.organizations.models import Agency

TIME_ZONE = "Asia/Ho_Chi_Minh"
# The package computes the lunar calendar for any year; 2000-2100 costs ~10 ms once per process.
HOLIDAY_YEARS = range(2000, 2101)

AgencyRef = Agency | str | None


@lru_cache(maxsize=1)
def time_zone() -> ZoneInfo:
    return ZoneInfo(TIME_ZONE)


# --- the national table from the `holidays` package -------------------------------------------
@lru_cache(maxsize=1)
def package_holidays() -> dict[date, str]:
    """Public holidays and days off (Vietnamese names) for HOLIDAY_YEARS, as the package knows them."""
    table = holidays.country_holidays("VN", years=HOLIDAY_YEARS, language="vi")
    return {day: str(name) for day, name in table.items()}


@lru_cache(maxsize=1)
def package_makeup_dates() -> frozenset[date]:
    """Working Saturdays/Sundays the package knows from announced swaps (its special-holiday table).

    Each entry is (off_month, off_day, work_month, work_day[, work_year]); the package only lists
    the day off, so the working half of the swap is read from the same table.
    """
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays

        table: dict[int, Any] = VietnamStaticHolidays.special_public_holidays
    except (ImportError, AttributeError):  # a future package layout: rely on DB entries only
        return frozenset()
    found: set[date] = set()
    for year, swaps in table.items():
        for swap in swaps if isinstance(swaps[0], tuple) else (swaps,):
            if len(swap) >= 4:
                found.add(date(swap[4] if len(swap) > 4 else year, swap[2], swap[3]))
    return frozenset(found - set(package_holidays()))


# --- building ---------------------------------------------------------------------------------
def build_calendar(settings: AgencyCalendarSettings | None, entries: Iterable[tuple[date, str]]) -> WorkCalendar:
    """A calendar from optional settings and (date, kind) entries, province-wide ones first."""
    off = set(package_holidays())
    makeup = set(package_makeup_dates())
    for day, kind in entries:  # later entries (the agency's own) override earlier ones
        if kind == EntryKind.MAKEUP_WORKDAY:
            off.discard(day)
            makeup.add(day)
        else:
            makeup.discard(day)
            off.add(day)
    if settings is None:
        return WorkCalendar(TIME_ZONE, non_working_dates=frozenset(off), makeup_dates=frozenset(makeup))
    return WorkCalendar(
        TIME_ZONE,
        working_weekdays=frozenset(settings.working_weekdays),
        shifts=settings.shifts,
        non_working_dates=frozenset(off),
        makeup_dates=frozenset(makeup),
        cutoff=settings.cutoff_time if settings.cutoff_enabled else None,
        due_time=settings.due_time,  # type: ignore[arg-type]  # validated by the model's choices
        hours_per_day=Decimal(settings.hours_per_day),
    )


def _entries_for(agency_id: int | None, exclude_pk: int | None = None) -> list[tuple[date, str]]:
    scope = Q(agency__isnull=True) if agency_id is None else Q(agency__isnull=True) | Q(agency_id=agency_id)
    rows = CalendarEntry.objects.filter(scope).exclude(pk=exclude_pk).values_list("date", "kind", "agency_id")
    # Province-wide rows first so the agency's own rows win.
    return [(day, kind) for day, kind, owner in sorted(rows, key=lambda r: (r[2] is not None, r[0]))]


def _build_for(agency_id: int | None, exclude_pk: int | None = None) -> WorkCalendar:
    settings = None
    if agency_id is not None:
        settings = AgencyCalendarSettings.objects.filter(agency_id=agency_id).first()
    return build_calendar(settings, _entries_for(agency_id, exclude_pk))


# --- cache and version --------------------------------------------------------------------------
_lock = threading.Lock()
_cache: dict[tuple[str, Any], WorkCalendar] = {}
# Agencies with identical calendars share one object, and so one warm index.
_interned: dict[WorkCalendar, WorkCalendar] = {}
_cache_token: list[str | None] = [None]


def current_version() -> str:
    return CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def bump_version(**_kwargs: Any) -> None:
    """Signal receiver: mark every cached calendar in every process as stale."""
    token = uuid.uuid4().hex
    if CalendarVersion.objects.filter(pk=1).update(token=token):
        return
    try:
        with transaction.atomic():
            CalendarVersion.objects.create(pk=1, token=token)
    except IntegrityError:  # created concurrently: update it instead
        CalendarVersion.objects.filter(pk=1).update(token=token)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _interned.clear()
        _cache_token[0] = None


def _unknown_agency(code: str) -> NotFound:
    return NotFound("unknown_agency", _("Không tìm thấy cơ quan có mã định danh “%(code)s”.") % {"code": code})


def calendar_for(agency: AgencyRef = None) -> WorkCalendar:
    """The warm calendar of `agency` (an Agency, its QCVN 102 code, or None for the province)."""
    token = current_version()
    if isinstance(agency, Agency):
        key: tuple[str, Any] = ("id", agency.pk)
    elif agency is None:
        key = ("province", None)
    else:
        key = ("code", agency.strip())
    with _lock:
        if _cache_token[0] != token:
            _cache.clear()
            _interned.clear()
            _cache_token[0] = token
        cached = _cache.get(key)
    if cached is not None:
        return cached
    if key[0] == "code":
        agency_id = Agency.objects.filter(code=key[1]).values_list("pk", flat=True).first()
        if agency_id is None:
            raise _unknown_agency(key[1])
    else:
        agency_id = key[1]
    built = _build_for(agency_id)
    with _lock:
        built = _interned.setdefault(built, built)
        if _cache_token[0] == token:
            _cache[key] = built
    return built


# --- validation helper ----------------------------------------------------------------------------
def is_base_working_day(day: date, agency_id: int | None, exclude_pk: int | None = None) -> bool:
    """Whether `day` is a working day for the scope without the entry `exclude_pk` (used by clean())."""
    return _build_for(agency_id, exclude_pk).is_working_day(day)


# --- announced swaps (CAL-02, CAL-14) ------------------------------------------------------------
_SOURCE_2025 = "Thông báo 6150/TB-BLĐTBXH; Văn bản 8726/VPCP-KGVX ngày 26/11/2024"
_SOURCE_2026 = "Thông báo lịch nghỉ lễ, Tết năm 2026 cho cán bộ, công chức, viên chức (đối chiếu số hiệu văn bản)"

ANNOUNCED_SWAPS: tuple[tuple[date, str, str, str], ...] = (
    (date(2025, 4, 26), EntryKind.MAKEUP_WORKDAY, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025", _SOURCE_2025),
    (date(2025, 5, 2), EntryKind.COMPENSATORY_OFF, "Nghỉ hoán đổi với thứ Bảy 26/4/2025", _SOURCE_2025),
    (date(2026, 8, 22), EntryKind.MAKEUP_WORKDAY, "Làm bù cho ngày nghỉ thứ Hai 31/8/2026", _SOURCE_2026),
    (date(2026, 8, 31), EntryKind.COMPENSATORY_OFF, "Nghỉ hoán đổi với thứ Bảy 22/8/2026", _SOURCE_2026),
)
# Official Tết periods; recorded only for dates the package does not already list.
ANNOUNCED_TET: tuple[tuple[date, date, str, str], ...] = (
    (date(2025, 1, 25), date(2025, 2, 2), "Nghỉ Tết Nguyên đán Ất Tỵ", _SOURCE_2025),
    (date(2026, 2, 16), date(2026, 2, 20), "Nghỉ Tết Nguyên đán Bính Ngọ", _SOURCE_2026),
)


def _announced_rows() -> list[tuple[date, str, str, str]]:
    rows = list(ANNOUNCED_SWAPS)
    known = package_holidays()
    for first, last, name, source in ANNOUNCED_TET:
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            if day not in known:
                rows.append((day, EntryKind.HOLIDAY, name, source))
    return rows


def seed_announced_swaps() -> int:
    """Insert the announced 2025-2026 swaps (and Tết days the package lacks) as province-wide rows.

    Idempotent: a date that already has a province-wide row is left as it is (an administrator
    may have corrected it). Returns the number of rows created.
    """
    created = 0
    with transaction.atomic():
        for day, kind, name, source in _announced_rows():
            if CalendarEntry.objects.filter(date=day, agency__isnull=True).exists():
                continue
            CalendarEntry.objects.create(date=day, kind=kind, name=name, source=source, agency=None)
            created += 1
    return created


def connect_signals() -> None:
    """Called from AppConfig.ready(): any write that can change a calendar replaces the version token."""
    for model in (CalendarEntry, AgencyCalendarSettings, Agency):
        post_save.connect(bump_version, sender=model, dispatch_uid=f"calendar-version-save-{model.__name__}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"calendar-version-delete-{model.__name__}")

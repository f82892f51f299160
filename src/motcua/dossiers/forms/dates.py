"""Dates as the printed forms write them.

- Times: `HH:mm dd/MM/yyyy` in Asia/Ho_Chi_Minh (formats.md §1), e.g. "09:30 14/07/2025".
- Date line of an administrative document (NĐ 30/2020, DOC-NUM-06): "Sơn La, ngày 05 tháng 01 năm 2026";
  days below 10 and the months January and February are zero-padded, other months are not
  ("ngày 15 tháng 3 năm 2020").
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["LOCAL_TZ", "date_words", "format_date_line", "format_form_datetime", "local_date"]

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(value: datetime) -> datetime:
    if value.utcoffset() is None:
        # A naive time has no local reading; refuse it instead of guessing UTC or local.
        raise ValueError("form datetimes must be timezone-aware")
    return value.astimezone(LOCAL_TZ)


def format_form_datetime(value: datetime | None) -> str:
    """`HH:mm dd/MM/yyyy` in local time; "" for None (a milestone that has not happened)."""
    if value is None:
        return ""
    return _local(value).strftime("%H:%M %d/%m/%Y")


def local_date(value: date | datetime) -> date:
    """The local calendar date of `value` (an aware datetime is converted; a date is kept)."""
    if isinstance(value, datetime):
        return _local(value).date()
    return value


def date_words(value: date | datetime) -> str:
    """ "ngày DD tháng M năm YYYY" per DOC-NUM-06 (day < 10 and months 1-2 zero-padded)."""
    day = local_date(value)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_date_line(place: str, value: date | datetime) -> str:
    """The place-and-date line: "Sơn La, ngày 05 tháng 01 năm 2026"."""
    return f"{place}, {date_words(value)}"

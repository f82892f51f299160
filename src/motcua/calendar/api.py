"""/api/v1/calendar: deadline and working-time computation (CAL-08, CAL-07, CAL-12). Thin: the engine decides."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.api.schemas import ErrorOut
from motcua.calendar import services
from motcua.core.errors import FieldError, ValidationFailed

router = Router()

_HOURS_PLACES = Decimal("0.0001")
# Bounds keep one request from growing a shared calendar's index over centuries.
_MIN_YEAR, _MAX_YEAR = 1900, 2200
_MAX_DAYS, _MAX_HOURS = 10_000, 80_000
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class DeadlineQuery(Schema):
    agency: str | None = Field(None, description="Mã định danh QCVN 102 của cơ quan; bỏ trống: lịch toàn tỉnh.")
    start: str = Field(..., description="Thời điểm tiếp nhận, ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam.")
    working_days: Decimal | None = Field(None, description="Số ngày làm việc, bội số của 0,5.")
    working_hours: Decimal | None = Field(None, description="Số giờ làm việc (thay cho working_days).")


class DeadlineOut(Schema):
    agency: str | None
    start: datetime
    working_days: float | None
    working_hours: float | None
    due_at: datetime = Field(..., description="Hạn xử lý, ISO 8601 với độ lệch +07:00.")
    time_zone: str


class WorkingTimeQuery(Schema):
    agency: str | None = Field(None, description="Mã định danh QCVN 102 của cơ quan; bỏ trống: lịch toàn tỉnh.")
    start: str = Field(..., description="Thời điểm bắt đầu, ISO 8601.")
    end: str = Field(..., description="Thời điểm kết thúc, ISO 8601, không trước start.")


class WorkingTimeOut(Schema):
    agency: str | None
    start: datetime
    end: datetime
    working_hours: float
    working_days: float = Field(..., description="Số giờ làm việc chia cho số giờ làm việc một ngày của cơ quan.")
    time_zone: str


def _parse_instant(value: str, field: str) -> datetime:
    # An unencoded "+07:00" in a query string arrives as " 07:00"; accept it rather than fail.
    text = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        message = _("Thời điểm “%(value)s” không đúng định dạng ISO 8601.") % {"value": value}
        raise ValidationFailed(message, [FieldError(field, "invalid_datetime", message)]) from None
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        message = _("Thời điểm phải nằm trong khoảng năm %(low)s đến %(high)s.") % {"low": _MIN_YEAR, "high": _MAX_YEAR}
        raise ValidationFailed(message, [FieldError(field, "out_of_range", message)])
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=services.time_zone())
    return parsed.astimezone(services.time_zone())


def _duration_error(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [FieldError(field, code, message)], code=code)


def _check_duration(query: DeadlineQuery) -> None:
    if (query.working_days is None) == (query.working_hours is None):
        raise _duration_error(
            "working_days", "duration_required", _("Cần đúng một trong hai tham số working_days hoặc working_hours.")
        )
    field = "working_days" if query.working_days is not None else "working_hours"
    value = query.working_days if query.working_days is not None else query.working_hours
    assert value is not None
    if not value.is_finite() or value < 0:
        raise _duration_error(field, "negative_duration", _("Thời hạn không được là số âm."))
    if value > (_MAX_DAYS if field == "working_days" else _MAX_HOURS):
        raise _duration_error(field, "too_long", _("Thời hạn quá dài."))
    if field == "working_days" and (value * 2) != (value * 2).to_integral_value():
        raise _duration_error(field, "not_half_day", _("Số ngày làm việc phải là bội số của 0,5 ngày."))


@router.get(
    "/deadline",
    response={200: DeadlineOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="calendar_deadline",
    summary="Tính hạn xử lý theo ngày (giờ) làm việc",
)
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DeadlineOut:
    """CAL-08: ngày tiếp nhận không tính; hạn là cuối giờ làm việc của ngày làm việc thứ N sau đó."""
    start = _parse_instant(query.start, "start")
    _check_duration(query)
    calendar = services.calendar_for(query.agency)
    if query.working_days is not None:
        due_at = calendar.add_working_days(start, query.working_days)
    else:
        assert query.working_hours is not None
        due_at = calendar.add_working_hours(start, query.working_hours)
    return DeadlineOut(
        agency=query.agency,
        start=start,
        working_days=float(query.working_days) if query.working_days is not None else None,
        working_hours=float(query.working_hours) if query.working_hours is not None else None,
        due_at=due_at,
        time_zone=services.TIME_ZONE,
    )


@router.get(
    "/working-time",
    response={200: WorkingTimeOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="calendar_working_time",
    summary="Tính thời gian làm việc giữa hai thời điểm",
)
def working_time(request: HttpRequest, query: Query[WorkingTimeQuery]) -> WorkingTimeOut:
    """CAL-12: số giờ làm việc trong khoảng [start, end] (dùng khi tạm dừng, gia hạn)."""
    start = _parse_instant(query.start, "start")
    end = _parse_instant(query.end, "end")
    if end < start:
        raise _duration_error("end", "end_before_start", _("Thời điểm kết thúc không được trước thời điểm bắt đầu."))
    calendar = services.calendar_for(query.agency)
    hours = calendar.working_hours_between(start, end)
    return WorkingTimeOut(
        agency=query.agency,
        start=start,
        end=end,
        working_hours=float(hours.quantize(_HOURS_PLACES)),
        working_days=float((hours / calendar.hours_per_day).quantize(_HOURS_PLACES)),
        time_zone=services.TIME_ZONE,
    )

"""CAL-10: properties of the engine that must hold for any instant and any duration (hypothesis)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar import services
from motcua.calendar.engine import WorkCalendar

TZ = services.time_zone()
NATIONAL = services.build_calendar(None, [])
SIX_DAY_SAME_TIME = WorkCalendar(
    working_weekdays=frozenset(range(6)),
    shifts=((time(8), time(12)), (time(13, 30), time(17, 30))),
    non_working_dates=NATIONAL.non_working_dates,
    due_time="same_time_as_acceptance",
    cutoff=None,
)
CALENDARS = pytest.mark.parametrize("calendar", [NATIONAL, SIX_DAY_SAME_TIME], ids=["national", "six_day_same_time"])

instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(TZ))
whole_days = st.integers(min_value=0, max_value=60)
half_days = st.integers(min_value=0, max_value=120).map(lambda n: n / 2)
durations = st.integers(min_value=0, max_value=300 * 60).map(lambda minutes: timedelta(minutes=minutes))
PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _at_working_position(calendar: WorkCalendar, instant: datetime) -> bool:
    """Inside working time or exactly at the end of a shift, on a working day."""
    local = instant.astimezone(calendar.tz)
    clock = local.time()
    return calendar.is_working_day(local.date()) and any(s <= clock <= e for s, e in calendar.shifts)


@CALENDARS
@PROPERTY
@given(a=instants, b=instants, n=half_days)
def test_cal_10_add_working_days_is_monotonic_in_start(calendar, a, b, n):
    a, b = min(a, b), max(a, b)
    assert calendar.add_working_days(a, n) <= calendar.add_working_days(b, n)


@CALENDARS
@PROPERTY
@given(start=instants, m=half_days, n=half_days)
def test_cal_10_add_working_days_is_monotonic_in_duration(calendar, start, m, n):
    m, n = min(m, n), max(m, n)
    assert calendar.add_working_days(start, m) <= calendar.add_working_days(start, n)


@CALENDARS
@PROPERTY
@given(start=instants, x=whole_days, y=whole_days)
def test_cal_10_whole_working_days_are_additive(calendar, start, x, y):
    assert calendar.add_working_days(calendar.add_working_days(start, x), y) == calendar.add_working_days(start, x + y)


@CALENDARS
@PROPERTY
@given(start=instants, n=half_days)
def test_cal_08_due_is_on_a_working_day_and_aware_in_vietnam_time(calendar, start, n):
    due = calendar.add_working_days(start, n)
    assert due.utcoffset() == timedelta(hours=7)
    assert calendar.is_working_day(due.date())
    assert due >= start  # equal only for 0 days at the due moment itself
    if calendar.due_time == "end_of_office":
        assert due.time() in (time(17), time(11, 30))
    else:
        assert _at_working_position(calendar, due)


@CALENDARS
@PROPERTY
@given(start=instants, x=durations, y=durations)
def test_cal_07_working_hours_are_additive(calendar, start, x, y):
    assert calendar.add_working_hours(calendar.add_working_hours(start, x), y) == calendar.add_working_hours(
        start, x + y
    )


@CALENDARS
@PROPERTY
@given(a=instants, b=instants, hours=durations)
def test_cal_07_add_working_hours_is_monotonic(calendar, a, b, hours):
    a, b = min(a, b), max(a, b)
    assert calendar.add_working_hours(a, hours) <= calendar.add_working_hours(b, hours)


@CALENDARS
@PROPERTY
@given(start=instants, hours=durations)
def test_cal_07_result_is_in_working_time_or_at_a_shift_end(calendar, start, hours):
    result = calendar.add_working_hours(start, hours)
    assert result >= start and _at_working_position(calendar, result)


@CALENDARS
@PROPERTY
@given(start=instants, hours=durations)
def test_cal_12_working_time_between_inverts_add_working_hours(calendar, start, hours):
    assert calendar.working_time_between(start, calendar.add_working_hours(start, hours)) == hours


@CALENDARS
@PROPERTY
@given(a=instants, b=instants)
def test_cal_12_add_working_hours_of_working_time_between_reaches_end(calendar, a, b):
    a, b = min(a, b), max(a, b)
    reached = calendar.add_working_hours(a, calendar.working_time_between(a, b))
    assert reached <= b or reached == calendar.next_working_start(a)
    assert calendar.working_time_between(a, b) == calendar.working_time_between(a, max(reached, a)) + (
        calendar.working_time_between(max(reached, a), b) if reached <= b else timedelta(0)
    )
    if calendar.is_working_time(b):
        assert reached == b


@CALENDARS
@PROPERTY
@given(start=instants)
def test_cal_11_next_working_start_is_working_time_and_not_before(calendar, start):
    received = calendar.next_working_start(start)
    assert received >= start and calendar.is_working_time(received)
    assert calendar.working_time_between(start, received) == timedelta(0)


@PROPERTY
@given(received=instants)
def test_os_xfer_02_transfer_due_is_never_before_receipt_and_on_a_working_day(received):
    due = NATIONAL.transfer_due_at(received)
    assert due > received and NATIONAL.is_working_day(due.date())
    assert due.time() in (time(7, 30), time(17))

"""The working-day engine (CAL-06..CAL-12): one pure, tz-aware calendar used by every feature.

No Django here: a `WorkCalendar` is a frozen value built from plain data (weekdays, shifts,
non-working dates, make-up working dates, cut-off, due-time mode) and answers every deadline
question. `motcua.calendar.services.calendar_for()` builds and caches one per agency.

Counting policy (documented in docs/calendar.md):
- Working time is the union of the office shifts on working days, as half-open intervals
  [start, end): 11:30 is not working time, 07:30 is.
- `add_working_days`: the acceptance day is excluded; the due moment is the end of office of the
  N-th following working day. A fractional half day ends at "midday" of the ceil(N)-th working
  day, i.e. when half of `hours_per_day` has been worked that day (11:30 with default shifts).
- `add_working_hours` consumes only working time; a result that lands exactly on a shift end is
  that shift end (11:30, 17:00), never the start of the next shift.
- Civil Code periods (`add_period`) end at 24:00 of the last day, returned as 00:00 of the next
  date; a last day that is not a working day moves to 24:00 of the next working day.

Speed: working days are kept as a sorted list of date ordinals covering a span of years that
grows on demand; `bisect` finds positions, so a deadline is O(log n) with no per-day loop.
"""

from __future__ import annotations

import calendar as _pycalendar
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo

DueTimeMode: TypeAlias = Literal["end_of_office", "same_time_as_acceptance"]
PeriodUnit: TypeAlias = Literal["hour", "day", "week", "month", "year", "working_day", "working_hour"]
Amount: TypeAlias = Decimal | float | int

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})
DEFAULT_SHIFTS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
DEFAULT_CUTOFF: time = time(15, 0)

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR
_ONE_DAY = timedelta(days=1)
# Initial span around the first date asked for; it grows as calls need more.
_SPAN_BEFORE_YEARS = 2
_SPAN_AFTER_YEARS = 5


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, sec, micro)


def _duration_us(amount: Amount | timedelta, per_unit_us: int) -> int:
    """Exact microseconds of `amount` units; Decimal(str(x)) keeps 0.1 h as 6 minutes exactly."""
    if isinstance(amount, timedelta):
        value = amount // timedelta(microseconds=1)
    else:
        value = int((Decimal(str(amount)) * per_unit_us).to_integral_value())
    if value < 0:
        raise ValueError("duration must not be negative")
    return value


@dataclass(frozen=True)
class _Index:
    """Sorted ordinals of working days within [first, last] (both date ordinals, inclusive)."""

    first: int
    last: int
    ords: list[int]


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working calendar; all methods take and return aware datetimes."""

    time_zone: str = DEFAULT_TIME_ZONE
    working_weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    shifts: tuple[tuple[time, time], ...] = DEFAULT_SHIFTS
    non_working_dates: frozenset[date] = frozenset()
    makeup_dates: frozenset[date] = frozenset()
    cutoff: time | None = DEFAULT_CUTOFF
    due_time: DueTimeMode = "end_of_office"
    hours_per_day: Decimal = Decimal(8)

    tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _shift_us: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _half_us: int = field(init=False, repr=False, compare=False)
    _open: time = field(init=False, repr=False, compare=False)
    _close: time = field(init=False, repr=False, compare=False)
    _midday: time = field(init=False, repr=False, compare=False)
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shift_us = tuple((_time_us(s), _time_us(e)) for s, e in self.shifts)
        if not shift_us:
            raise ValueError("at least one shift is required")
        previous_end = -1
        for start, end in shift_us:
            if not start < end or start < previous_end:
                raise ValueError("shifts must be ordered, non-overlapping and end after they start")
            previous_end = end
        if not self.working_weekdays <= frozenset(range(7)):
            raise ValueError("working weekdays are 0 (Monday) .. 6 (Sunday)")
        if self.non_working_dates & self.makeup_dates:
            raise ValueError("a date cannot be both a day off and a make-up working day")
        if self.due_time not in ("end_of_office", "same_time_as_acceptance"):
            raise ValueError(f"unknown due_time mode {self.due_time!r}")
        day_us = sum(end - start for start, end in shift_us)
        half_us = _duration_us(Decimal(self.hours_per_day) / 2, _US_PER_HOUR)
        if half_us <= 0 or 2 * half_us > day_us:
            raise ValueError("hours_per_day must be positive and fit in the shifts")
        setattr_ = object.__setattr__
        setattr_(self, "tz", ZoneInfo(self.time_zone))
        setattr_(self, "_shift_us", shift_us)
        setattr_(self, "_day_us", day_us)
        setattr_(self, "_half_us", half_us)
        setattr_(self, "_open", self.shifts[0][0])
        setattr_(self, "_close", self.shifts[-1][1])
        setattr_(self, "_midday", _us_time(self._offset_to_time_us(half_us)))
        setattr_(self, "_index", _Index(0, -1, []))

    # --- days ---------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """CAL-01..CAL-05: a make-up date works; otherwise a working weekday that is not a day off."""
        if day in self.makeup_dates:
            return True
        return day.weekday() in self.working_weekdays and day not in self.non_working_dates

    def _build(self, first: int, last: int) -> _Index:
        is_working = self.is_working_day
        ords = [o for o in range(first, last + 1) if is_working(date.fromordinal(o))]
        return _Index(first, last, ords)

    def _covering(self, low: int, high: int) -> _Index:
        """The index covering ordinals [low, high], extended (whole years, with margin) if needed."""
        index = self._index
        if index.first <= low and high <= index.last:
            return index
        if index.last < index.first:  # empty: first use
            first_year, last_year = date.fromordinal(low).year - _SPAN_BEFORE_YEARS, date.fromordinal(high).year
        else:
            first_year = min(date.fromordinal(index.first).year, date.fromordinal(low).year)
            last_year = max(date.fromordinal(index.last).year, date.fromordinal(high).year)
        first = date(max(first_year, 2), 1, 1).toordinal()
        last = date(min(last_year + _SPAN_AFTER_YEARS, 9998), 12, 31).toordinal()
        if last < high:
            raise ValueError("date is beyond the supported calendar range")
        # Swapping one attribute keeps concurrent readers on a consistent (old or new) index.
        index = self._build(first, last)
        object.__setattr__(self, "_index", index)
        return index

    def _nth_working_day(self, index: _Index, position: int) -> tuple[_Index, int]:
        """The ordinal of working day number `position` in `index`, growing the index if needed."""
        while position >= len(index.ords):
            grown = self._covering(index.first, index.last + 366 + (position - len(index.ords)) * 2)
            if grown.last == index.last:
                raise ValueError("result is beyond the supported calendar range")
            index = grown
        return index, index.ords[position]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        index = self._covering(day.toordinal(), day.toordinal() + 1)
        _, ordinal = self._nth_working_day(index, bisect_right(index.ords, day.toordinal()))
        return date.fromordinal(ordinal)

    # --- instants -----------------------------------------------------------------------------
    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return instant.astimezone(self.tz)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.tz)

    def start_of_office(self, day: date) -> datetime:
        return self._at(day, self._open)

    def end_of_office(self, day: date) -> datetime:
        return self._at(day, self._close)

    def _offset_to_time_us(self, offset: int) -> int:
        """Clock time (µs since midnight) after `offset` µs of work in (0, day]; boundaries stay on shift ends."""
        for start, end in self._shift_us:
            length = end - start
            if offset <= length:
                return start + offset
            offset -= length
        return self._shift_us[-1][1]

    def _worked_in_day(self, clock_us: int) -> int:
        """Working µs of a working day elapsed at clock time `clock_us`."""
        worked = 0
        for start, end in self._shift_us:
            if clock_us <= start:
                break
            worked += min(clock_us, end) - start
        return worked

    def is_working_time(self, instant: datetime) -> bool:
        local = self._local(instant)
        if not self.is_working_day(local.date()):
            return False
        clock = _time_us(local.time())
        return any(start <= clock < end for start, end in self._shift_us)

    def _at_working_position(self, local: datetime) -> bool:
        """In working time or exactly at a shift end (where a working-time count may stop)."""
        if not self.is_working_day(local.date()):
            return False
        clock = _time_us(local.time())
        return any(start <= clock <= end for start, end in self._shift_us)

    def next_working_start(self, instant: datetime) -> datetime:
        """CAL-11: `instant` itself if in working time, else the start of the next working period."""
        local = self._local(instant)
        day = local.date()
        if self.is_working_day(day):
            clock = _time_us(local.time())
            for start, end in self._shift_us:
                if clock < start:
                    return self._at(day, _us_time(start))
                if clock < end:
                    return local
        return self.start_of_office(self.next_working_day(day))

    # --- working days (CAL-08) ---------------------------------------------------------------
    def add_working_days(self, start: datetime, days: Amount) -> datetime:
        """CAL-08: due moment for `days` working days (a multiple of 0.5) counted after acceptance at `start`.

        end_of_office mode: the acceptance day is the working day of `start` (or the next working
        day when `start` is on a day off or after office hours); the due moment is the end of
        office of the ceil(days)-th following working day, or its midday for a half day.
        same_time_as_acceptance mode: the same clock time (of `next_working_start(start)`) on the
        floor(days)-th following working day, plus half a day of working hours for a half day.
        """
        if type(days) is int:  # the common case, kept free of Decimal work
            whole, half = days, False
        else:
            twice = Decimal(str(days)) * 2
            if not twice.is_finite() or twice != twice.to_integral_value():
                raise ValueError("working days must be a multiple of 0.5")
            whole, remainder = divmod(int(twice), 2)
            half = remainder == 1
        if whole < 0:
            raise ValueError("duration must not be negative")
        if self.due_time == "same_time_as_acceptance":
            return self._add_days_same_time(start, whole, half)
        local = self._local(start)
        ordinal = local.toordinal()
        index = self._index
        if not index.first <= ordinal < index.last:
            index = self._covering(ordinal, ordinal + 1)
        position = bisect_right(index.ords, ordinal)
        # Not a working day (position points past it) or after office: acceptance is the next working day.
        if position == 0 or index.ords[position - 1] != ordinal or local.time() > self._close:
            position += 1
        position += whole - (0 if half else 1)
        ords = index.ords
        due = ords[position] if position < len(ords) else self._nth_working_day(index, position)[1]
        return datetime.combine(date.fromordinal(due), self._midday if half else self._close, tzinfo=self.tz)

    def _add_days_same_time(self, start: datetime, whole: int, half: bool) -> datetime:
        effective = self.next_working_start(start)
        ordinal = effective.toordinal()
        index = self._covering(ordinal, ordinal + 1)
        index, due = self._nth_working_day(index, bisect_right(index.ords, ordinal) - 1 + whole)
        result = self._at(date.fromordinal(due), effective.time())
        if half:
            result = self.add_working_hours(result, timedelta(microseconds=self._half_us))
        return result

    # --- working hours (CAL-07) ----------------------------------------------------------------
    def _worked_before(self, index: _Index, local: datetime) -> int:
        """Working µs from the start of `index` up to `local` (which `index` must cover)."""
        ordinal = local.toordinal()
        days_before = bisect_left(index.ords, ordinal)
        worked = days_before * self._day_us
        if days_before < len(index.ords) and index.ords[days_before] == ordinal:
            worked += self._worked_in_day(_time_us(local.time()))
        return worked

    def add_working_hours(self, start: datetime, hours: Amount | timedelta) -> datetime:
        """CAL-07: the earliest moment after `start` at which `hours` of working time have elapsed.

        A zero duration returns `start` when it is in working time or on a shift end, else
        `next_working_start(start)`.
        """
        needed = _duration_us(hours, _US_PER_HOUR)
        local = self._local(start)
        if needed == 0:
            return local if self._at_working_position(local) else self.next_working_start(local)
        ordinal = local.toordinal()
        index = self._covering(ordinal, ordinal + 1)
        target = self._worked_before(index, local) + needed
        position, offset = divmod(target - 1, self._day_us)
        index, due = self._nth_working_day(index, position)
        return self._at(date.fromordinal(due), _us_time(self._offset_to_time_us(offset + 1)))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """CAL-12: working time in [start, end]; `add_working_hours(start, result)` reaches `end`'s position."""
        local_start, local_end = self._local(start), self._local(end)
        if local_end < local_start:
            raise ValueError("end is before start")
        index = self._covering(local_start.toordinal(), local_end.toordinal() + 1)
        worked = self._worked_before(index, local_end) - self._worked_before(index, local_start)
        return timedelta(microseconds=worked)

    def working_hours_between(self, start: datetime, end: datetime) -> Decimal:
        return Decimal(self.working_time_between(start, end) // timedelta(microseconds=1)) / _US_PER_HOUR

    def extend_for_pause(self, due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """CAL-12 pause mode: push `due` by the working time the dossier spent paused."""
        return self.add_working_hours(due, self.working_time_between(paused_at, resumed_at))

    # --- Civil Code periods (CAL-06) ------------------------------------------------------------
    def add_period(self, start: datetime, amount: Amount, unit: PeriodUnit) -> datetime:
        """CAL-06 / BLDS 2015 Art. 147-148 for hour/day/week/month/year; working units delegate.

        Calendar periods exclude the first day and end at 24:00 of the last day (returned as 00:00
        of the following date); a last day that is not a working day moves to the next working day.
        """
        if unit == "working_day":
            return self.add_working_days(start, amount)
        if unit == "working_hour":
            return self.add_working_hours(start, amount)
        if unit == "hour":  # Art. 147(1): hour periods run from the stated moment, on the clock.
            return self._local(start) + timedelta(microseconds=_duration_us(amount, _US_PER_HOUR))
        if not isinstance(amount, int) or isinstance(amount, bool):
            if Decimal(str(amount)) != Decimal(str(amount)).to_integral_value():
                raise ValueError("calendar periods are whole days, weeks, months or years")
            amount = int(amount)
        if amount < 0:
            raise ValueError("duration must not be negative")
        first = self._local(start).date()
        if unit == "day":
            last = first + timedelta(days=amount)
        elif unit == "week":
            last = first + timedelta(weeks=amount)
        elif unit in ("month", "year"):
            last = _add_months(first, amount * (12 if unit == "year" else 1))
        else:
            raise ValueError(f"unknown period unit {unit!r}")
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self._at(last + _ONE_DAY, time(0))

    # --- counter transfer (OS-XFER-02 / CAL-09) ----------------------------------------------
    def transfer_due_at(self, received_at: datetime) -> datetime:
        """OS-XFER-02: a counter dossier goes to the handling unit the same working day.

        Received on a working day after the cut-off -> start of the next working day. Received
        up to the cut-off -> end of office that day. Received on a day off (e.g. a Saturday
        counter) or after office with the cut-off disabled -> end of office of the next working day.
        """
        local = self._local(received_at)
        day = local.date()
        if self.is_working_day(day):
            clock = local.time()
            if self.cutoff is not None and clock > self.cutoff:
                return self.start_of_office(self.next_working_day(day))
            if clock <= self._close:
                return self.end_of_office(day)
        # A day off, or after office with no cut-off: received at the next working start (CAL-11).
        return self.end_of_office(self.next_working_day(day))


def _add_months(day: date, months: int) -> date:
    """Art. 148(3): the corresponding day of the month, or the month's last day if it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _pycalendar.monthrange(year, month)[1]))

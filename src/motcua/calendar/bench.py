"""Calendar benchmarks for `motcua bench`: deadline computations per second on one core, warm cache."""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.calendar import services
from motcua.core.bench import BenchResult, throughput

_SAMPLES = 2_000  # distinct start instants, cycled, spread over 2025-2027 at odd hours
_CALLS = 200_000


def _starts() -> list[datetime]:
    origin = datetime(2025, 1, 1, 6, 45, tzinfo=services.time_zone())
    return [origin + timedelta(minutes=797 * i) for i in range(_SAMPLES)]


def run() -> list[BenchResult]:
    calendar = services.calendar_for(None)
    starts = _starts()
    ends = [s + timedelta(days=9, hours=5) for s in starts]
    pairs = list(zip(starts, ends, strict=True))
    add_days, add_hours, between = calendar.add_working_days, calendar.add_working_hours, calendar.working_time_between
    for start in starts:  # warm the working-day index over the whole range
        add_days(start, 15)
    size = f"{_SAMPLES} start instants, holidays {services.HOLIDAY_YEARS.start}-{services.HOLIDAY_YEARS.stop - 1}"
    results = [
        BenchResult(
            "calendar.add_working_days (N=1..20)",
            size,
            throughput_per_s=throughput(lambda i: add_days(starts[i % _SAMPLES], i % 20 + 1), _CALLS),
            target=">= 100000/s",
        ),
        BenchResult(
            "calendar.add_working_hours (1..60 h)",
            size,
            throughput_per_s=throughput(lambda i: add_hours(starts[i % _SAMPLES], i % 60 + 1), _CALLS // 2),
        ),
        BenchResult(
            "calendar.working_time_between (~9 days)",
            size,
            throughput_per_s=throughput(lambda i: between(*pairs[i % _SAMPLES]), _CALLS // 2),
        ),
        BenchResult(
            "calendar.calendar_for (warm, version check)",
            "1 agency",
            throughput_per_s=throughput(lambda i: services.calendar_for(None), 2_000),
            note="one indexed query per call; hold the calendar in hot loops",
        ),
    ]
    return results

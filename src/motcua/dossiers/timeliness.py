"""Was a dossier early, on time or late? The legal verdict and the QĐ 766 KPI verdict.

Pure functions: the calendar engine computes due times and supplement durations (working time),
this module only compares. Both verdicts are derivable from the same events (DESIGN.md rule 3):
- `timeliness` / `dossier_timeliness`: OS-RET-05 against the original due time (OS-LATE-04), used
  by the periodic report (RPT-PER-02 column D) and form 05;
- `kpi_on_time`: QĐ 766 index 2.1 (OS-SUPP-03, RPT-766-04).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

__all__ = ["DueTimeliness", "Timeliness", "dossier_timeliness", "kpi_on_time", "timeliness"]


class Timeliness(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


def _aware(name: str, value: datetime) -> datetime:
    # A naive time has no local date, and the local date is what the early/on-time rule compares.
    if value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


def timeliness(finished_at: datetime, due_at: datetime, tz: tzinfo) -> Timeliness:
    """OS-RET-05: early if the local date of `finished_at` is before that of `due_at`; on time if not
    early and finished <= due; otherwise late. Dates are taken in `tz` (the agency's time zone), so a
    result at 23:59 local is judged on that local day whatever its UTC date."""
    finished, due = _aware("finished_at", finished_at), _aware("due_at", due_at)
    if finished.astimezone(tz).date() < due.astimezone(tz).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished <= due else Timeliness.LATE


@dataclass(frozen=True, slots=True)
class DueTimeliness:
    """Verdict against the original due time, plus the apology facts reports split on (OS-LATE-04)."""

    verdict: Timeliness
    apologized: bool
    within_rescheduled: bool | None  # None when there was no apology


def dossier_timeliness(
    finished_at: datetime,
    original_due_at: datetime,
    tz: tzinfo,
    rescheduled_due_at: datetime | None = None,
) -> DueTimeliness:
    """Timeliness against `original_due_at` even when form 04 set a new date (OS-LATE-04).

    A rescheduled due time exists only through an apology (OS-LATE-01), so its presence is the
    "apologized" flag; `within_rescheduled` tells whether the new promise was kept.
    """
    verdict = timeliness(finished_at, original_due_at, tz)
    if rescheduled_due_at is None:
        return DueTimeliness(verdict, apologized=False, within_rescheduled=None)
    kept = _aware("finished_at", finished_at) <= _aware("rescheduled_due_at", rescheduled_due_at)
    return DueTimeliness(verdict, apologized=True, within_rescheduled=kept)


def kpi_on_time(
    finished_at: datetime,
    due_at: datetime | None,
    *,
    supplement_count: int,
    supplement_intervals: Iterable[timedelta] = (),
    started_at: datetime | None = None,
    statutory_duration: timedelta | None = None,
) -> bool:
    """QĐ 766 index 2.1 on-time test (OS-SUPP-03, RPT-766-04).

    More than one supplement request counts as late whatever the dates. Otherwise the time spent
    waiting for supplements is subtracted: with an appointment, `finished - paused <= due`; without
    one, `finished - started - paused <= statutory_duration`. The intervals are durations the
    calendar already computed (working time under the deployment's rules); they are only summed here.
    """
    if supplement_count < 0:
        raise ValueError("supplement_count must not be negative")
    if supplement_count > 1:
        return False
    paused = timedelta(0)
    for interval in supplement_intervals:
        if interval < timedelta(0):
            raise ValueError("supplement intervals must not be negative")
        paused += interval
    finished = _aware("finished_at", finished_at)
    if due_at is not None:
        return finished - paused <= _aware("due_at", due_at)
    if started_at is None or statutory_duration is None:
        raise ValueError("without an appointment, started_at and statutory_duration are needed")
    return finished - _aware("started_at", started_at) - paused <= statutory_duration

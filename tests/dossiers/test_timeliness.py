"""Timeliness verdicts: OS-RET-05, OS-LATE-04 and the QĐ 766 KPI (OS-SUPP-03, RPT-766-04). Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.timeliness import Timeliness, dossier_timeliness, kpi_on_time, timeliness
from tests.dossiers.support import HCM

DUE = datetime(2025, 7, 14, 17, 0, tzinfo=HCM)  # Monday 17:00 in Hà Nội / TP.HCM (UTC+7)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 7, day, hour, minute, tzinfo=HCM)


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (local(13, 23, 59), Timeliness.EARLY),  # previous local day, even late at night
        (local(10, 8), Timeliness.EARLY),
        (local(14, 0, 1), Timeliness.ON_TIME),  # same local day: not early, before due
        (local(14, 16, 59), Timeliness.ON_TIME),
        (DUE, Timeliness.ON_TIME),  # exactly at the due time
        (local(14, 17, 1), Timeliness.LATE),  # same local day, after the due time
        (local(15, 8), Timeliness.LATE),
    ],
)
def test_os_ret_05_early_on_time_late(finished, expected):
    assert timeliness(finished, DUE, HCM) == expected
    assert timeliness(finished, DUE, HCM) == expected.value  # plain-string comparison for reports


def test_os_ret_05_same_local_day_after_due_time_is_late():
    assert timeliness(local(14, 17, 0) + timedelta(seconds=1), DUE, HCM) is Timeliness.LATE


def test_os_ret_05_local_date_not_utc_date():
    """06:00 on the 14th in Hà Nội is 23:00 UTC on the 13th: judged on the local day (on time, not early)."""
    due = local(14, 8)
    finished_utc = datetime(2025, 7, 13, 23, 0, tzinfo=UTC)
    assert finished_utc.date() < due.astimezone(UTC).date()
    assert timeliness(finished_utc, due, HCM) is Timeliness.ON_TIME
    # 23:59 local on the 13th is 16:59 UTC on the 13th: early in both readings.
    assert timeliness(local(13, 23, 59).astimezone(UTC), due, HCM) is Timeliness.EARLY
    # The same instants judged in UTC would call the first one early: the zone matters.
    assert timeliness(finished_utc, due, UTC) is Timeliness.EARLY


def test_os_ret_05_mixed_offsets_compare_as_instants():
    finished = datetime(2025, 7, 14, 10, 30, tzinfo=timezone(timedelta(hours=0)))  # 17:30 local
    assert timeliness(finished, DUE, HCM) is Timeliness.LATE


def test_os_ret_05_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        timeliness(datetime(2025, 7, 14, 9), DUE, HCM)
    with pytest.raises(ValueError, match="timezone-aware"):
        timeliness(DUE, datetime(2025, 7, 14, 9), HCM)


def test_os_late_04_timeliness_against_original_due_with_apology_flag():
    rescheduled = local(18, 17)
    verdict = dossier_timeliness(local(16, 10), DUE, HCM, rescheduled_due_at=rescheduled)
    assert verdict.verdict is Timeliness.LATE
    assert verdict.apologized is True
    assert verdict.within_rescheduled is True
    broken = dossier_timeliness(local(19, 9), DUE, HCM, rescheduled_due_at=rescheduled)
    assert (broken.verdict, broken.apologized, broken.within_rescheduled) == (Timeliness.LATE, True, False)
    plain = dossier_timeliness(local(11, 9), DUE, HCM)
    assert (plain.verdict, plain.apologized, plain.within_rescheduled) == (Timeliness.EARLY, False, None)


def test_os_supp_03_rpt_766_04_more_than_one_supplement_is_late():
    assert kpi_on_time(local(10, 9), DUE, supplement_count=1) is True
    assert kpi_on_time(local(10, 9), DUE, supplement_count=2) is False


def test_os_supp_03_rpt_766_04_supplement_intervals_are_subtracted():
    finished = DUE + timedelta(days=2)
    assert kpi_on_time(finished, DUE, supplement_count=1) is False
    waits = [timedelta(days=1), timedelta(days=1)]
    assert kpi_on_time(finished, DUE, supplement_count=1, supplement_intervals=waits) is True
    assert kpi_on_time(finished + timedelta(seconds=1), DUE, supplement_count=1, supplement_intervals=waits) is False


def test_rpt_766_04_without_appointment_uses_statutory_time():
    started = local(1, 8)
    kwargs = {"supplement_count": 1, "started_at": started, "statutory_duration": timedelta(days=10)}
    assert kpi_on_time(local(11, 8), None, **kwargs) is True
    assert kpi_on_time(local(12, 8), None, **kwargs) is False
    assert kpi_on_time(local(12, 8), None, supplement_intervals=[timedelta(days=1)], **kwargs) is True
    with pytest.raises(ValueError, match="statutory_duration"):
        kpi_on_time(local(12, 8), None, supplement_count=0)


def test_rpt_766_04_rejects_negative_inputs():
    with pytest.raises(ValueError):
        kpi_on_time(DUE, DUE, supplement_count=-1)
    with pytest.raises(ValueError):
        kpi_on_time(DUE, DUE, supplement_count=0, supplement_intervals=[timedelta(hours=-1)])


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.sampled_from([HCM, UTC])
)


@settings(max_examples=200, deadline=None, database=None)
@given(finished=instants, due=instants)
def test_os_ret_05_verdict_properties(finished, due):
    verdict = timeliness(finished, due, HCM)
    if verdict is Timeliness.EARLY:
        assert finished < due and finished.astimezone(HCM).date() < due.astimezone(HCM).date()
    elif verdict is Timeliness.ON_TIME:
        assert finished <= due and finished.astimezone(HCM).date() == due.astimezone(HCM).date()
    else:
        assert finished > due
    assert kpi_on_time(finished, due, supplement_count=0) is (verdict is not Timeliness.LATE)

"""Fixed cases of the working-day engine, each tied to a requirement (CAL-*, OS-XFER-02, OS-INTAKE-06)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from motcua.calendar.engine import WorkCalendar
from tests.calendar.conftest import at

# --- CAL-15 examples -------------------------------------------------------------------------


def test_cal_15_monday_plus_3_is_thursday(national):
    assert national.add_working_days(at(2025, 7, 14, 9), 3) == at(2025, 7, 17, 17)


def test_cal_15_tuesday_29_april_plus_2_skips_30_4_1_5_and_swapped_2_5(national):
    assert national.add_working_days(at(2025, 4, 29, 10), 2) == at(2025, 5, 6, 17)


def test_cal_15_friday_before_tet_2025_plus_1_is_monday_3_february(national):
    assert national.add_working_days(at(2025, 1, 24, 8), 1) == at(2025, 2, 3, 17)


def test_cal_15_os_xfer_02_counter_dossier_friday_15_05_transfers_at_start_of_wednesday(national):
    assert national.transfer_due_at(at(2025, 8, 29, 15, 5)) == at(2025, 9, 3, 7, 30)


# --- CAL-01..CAL-03, CAL-14 holidays ---------------------------------------------------------


def test_cal_14_tet_2026_16_to_20_february_is_off(national):
    for day in range(16, 21):
        assert not national.is_working_day(date(2026, 2, day))
    assert national.is_working_day(date(2026, 2, 13)) and national.is_working_day(date(2026, 2, 23))
    assert national.add_working_days(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 17)


def test_cal_03_hung_kings_on_sunday_26_4_2026_is_observed_monday_27_4(national):
    assert not national.is_working_day(date(2026, 4, 27))
    assert national.add_working_days(at(2026, 4, 24, 9), 1) == at(2026, 4, 28, 17)


def test_cal_14_swapped_saturday_26_4_2025_is_a_working_day(national):
    assert national.is_working_day(date(2025, 4, 26))
    assert not national.is_working_day(date(2025, 5, 2))
    assert national.add_working_days(at(2025, 4, 25, 9), 1) == at(2025, 4, 26, 17)


def test_cal_14_swapped_saturday_22_8_2026_is_working_and_31_8_off(national):
    assert national.is_working_day(date(2026, 8, 22)) and not national.is_working_day(date(2026, 8, 31))


def test_cal_04_saturday_and_sunday_are_not_counting_days(national):
    assert not national.is_working_day(date(2025, 7, 12)) and not national.is_working_day(date(2025, 7, 13))


# --- CAL-08 counting policy --------------------------------------------------------------------


def test_cal_08_acceptance_after_office_hours_counts_from_the_next_day(national):
    assert national.add_working_days(at(2025, 7, 14, 17), 1) == at(2025, 7, 15, 17)
    assert national.add_working_days(at(2025, 7, 14, 17, 1), 1) == at(2025, 7, 16, 17)


def test_cal_08_acceptance_on_saturday_counts_from_monday(national):
    assert national.add_working_days(at(2025, 7, 12, 9), 1) == at(2025, 7, 15, 17)


def test_cal_08_zero_days_is_end_of_office_of_acceptance_day(national):
    assert national.add_working_days(at(2025, 7, 14, 9), 0) == at(2025, 7, 14, 17)


def test_cal_08_half_days_end_at_midday_of_the_next_day(national):
    start = at(2025, 7, 14, 9)
    assert national.add_working_days(start, Decimal("0.5")) == at(2025, 7, 15, 11, 30)
    assert national.add_working_days(start, 2.5) == at(2025, 7, 17, 11, 30)
    assert national.add_working_days(start, Decimal("3.0")) == at(2025, 7, 17, 17)


def test_cal_08_same_time_as_acceptance_mode():
    calendar = WorkCalendar(due_time="same_time_as_acceptance")
    assert calendar.add_working_days(at(2025, 7, 14, 9, 10), 3) == at(2025, 7, 17, 9, 10)
    # Half a day = 4 working hours after the same time on the last whole day (2 h 20 + 1 h 40).
    assert calendar.add_working_days(at(2025, 7, 14, 9, 10), 0.5) == at(2025, 7, 14, 14, 40)
    # Received in the lunch break: the clock starts at 13:00 (CAL-11).
    assert calendar.add_working_days(at(2025, 7, 14, 12), 1) == at(2025, 7, 15, 13)


def test_cal_08_rejects_negative_and_non_half_day_durations(national):
    with pytest.raises(ValueError):
        national.add_working_days(at(2025, 7, 14, 9), -1)
    with pytest.raises(ValueError):
        national.add_working_days(at(2025, 7, 14, 9), Decimal("-0.5"))
    with pytest.raises(ValueError):
        national.add_working_days(at(2025, 7, 14, 9), Decimal("1.3"))


def test_cal_10_naive_datetimes_are_rejected(national):
    from datetime import datetime

    with pytest.raises(ValueError):
        national.add_working_days(datetime(2025, 7, 14, 9), 1)


# --- CAL-07 working hours ----------------------------------------------------------------------


def test_cal_07_working_hours_skip_lunch_nights_and_weekends(national):
    assert national.add_working_hours(at(2025, 7, 14, 10), 2) == at(2025, 7, 14, 13, 30)
    assert national.add_working_hours(at(2025, 7, 14, 16), 2) == at(2025, 7, 15, 8, 30)
    assert national.add_working_hours(at(2025, 7, 18, 16), 2) == at(2025, 7, 21, 8, 30)


def test_cal_07_a_count_ending_on_a_shift_end_stops_there(national):
    assert national.add_working_hours(at(2025, 7, 14, 9), 2.5) == at(2025, 7, 14, 11, 30)
    assert national.add_working_hours(at(2025, 7, 14, 9), 6.5) == at(2025, 7, 14, 17)
    assert national.add_working_hours(at(2025, 7, 14, 9), 7) == at(2025, 7, 15, 8)


def test_cal_07_working_time_between_counts_only_office_hours(national):
    assert national.working_time_between(at(2025, 7, 14, 9), at(2025, 7, 15, 9)) == timedelta(hours=8)
    assert national.working_time_between(at(2025, 7, 18, 16), at(2025, 7, 21, 8)) == timedelta(hours=1, minutes=30)
    with pytest.raises(ValueError):
        national.working_time_between(at(2025, 7, 15), at(2025, 7, 14))


def test_cal_07_rejects_negative_hours(national):
    with pytest.raises(ValueError):
        national.add_working_hours(at(2025, 7, 14, 9), -0.5)


# --- CAL-11 / OS-INTAKE-06 -----------------------------------------------------------------------


def test_cal_11_outside_working_time_is_received_at_next_working_start(national):
    assert national.next_working_start(at(2025, 7, 12, 10)) == at(2025, 7, 14, 7, 30)
    assert national.next_working_start(at(2025, 7, 14, 12)) == at(2025, 7, 14, 13)
    assert national.next_working_start(at(2025, 7, 14, 6)) == at(2025, 7, 14, 7, 30)
    assert national.next_working_start(at(2025, 7, 14, 17)) == at(2025, 7, 15, 7, 30)
    assert national.next_working_start(at(2025, 7, 14, 9, 5)) == at(2025, 7, 14, 9, 5)
    assert national.is_working_time(at(2025, 7, 14, 7, 30)) and not national.is_working_time(at(2025, 7, 14, 11, 30))


# --- OS-XFER-02 / CAL-09 cut-off ---------------------------------------------------------------


def test_os_xfer_02_before_and_after_the_15_00_cut_off(national):
    assert national.transfer_due_at(at(2025, 7, 14, 14, 59)) == at(2025, 7, 14, 17)
    assert national.transfer_due_at(at(2025, 7, 14, 15, 0)) == at(2025, 7, 14, 17)
    assert national.transfer_due_at(at(2025, 7, 14, 15, 1)) == at(2025, 7, 15, 7, 30)


def test_os_xfer_02_friday_15_01_transfers_at_start_of_monday(national):
    assert national.transfer_due_at(at(2025, 7, 18, 15, 1)) == at(2025, 7, 21, 7, 30)


def test_cal_09_saturday_counter_and_disabled_cut_off():
    calendar = WorkCalendar(cutoff=None)
    assert calendar.transfer_due_at(at(2025, 7, 14, 16)) == at(2025, 7, 14, 17)
    assert calendar.transfer_due_at(at(2025, 7, 14, 18)) == at(2025, 7, 15, 17)
    assert calendar.transfer_due_at(at(2025, 7, 12, 9)) == at(2025, 7, 14, 17)


def test_cal_09_cut_off_is_configurable():
    calendar = WorkCalendar(cutoff=time(16, 0))
    assert calendar.transfer_due_at(at(2025, 7, 14, 15, 30)) == at(2025, 7, 14, 17)


# --- CAL-06 Civil Code periods -------------------------------------------------------------------


def test_cal_06_31_january_plus_one_month_ends_on_the_last_day_of_february(national):
    # 28/2/2025 is a Friday: the period ends at 24:00 that day.
    assert national.add_period(at(2025, 1, 31, 10), 1, "month") == at(2025, 3, 1)


def test_cal_06_last_day_on_a_weekend_moves_to_the_next_working_day(national):
    # 28/2/2026 is a Saturday: the period ends at 24:00 on Monday 2/3/2026.
    assert national.add_period(at(2026, 1, 31, 10), 1, "month") == at(2026, 3, 3)


def test_cal_06_first_day_excluded_and_holiday_moves(national):
    assert national.add_period(at(2025, 7, 14, 16), 3, "day") == at(2025, 7, 18)
    # 10 days from 20/1/2025 ends on 30/1 (Tết) -> next working day Mon 3/2/2025.
    assert national.add_period(at(2025, 1, 20, 9), 10, "day") == at(2025, 2, 4)
    assert national.add_period(at(2025, 7, 14, 9), 2, "week") == at(2025, 7, 29)
    assert national.add_period(at(2024, 2, 29, 9), 1, "year") == at(2025, 3, 1)


def test_cal_06_hours_run_on_the_clock_and_working_units_delegate(national):
    assert national.add_period(at(2025, 7, 12, 9), 5, "hour") == at(2025, 7, 12, 14)
    assert national.add_period(at(2025, 7, 14, 9), 3, "working_day") == at(2025, 7, 17, 17)
    assert national.add_period(at(2025, 7, 14, 16), 2, "working_hour") == at(2025, 7, 15, 8, 30)
    with pytest.raises(ValueError):
        national.add_period(at(2025, 7, 14, 9), -1, "day")
    with pytest.raises(ValueError):
        national.add_period(at(2025, 7, 14, 9), 1.5, "month")


# --- CAL-12 pauses ---------------------------------------------------------------------------------


def test_cal_12_pause_extends_due_by_the_working_time_paused(national):
    due = at(2025, 7, 17, 17)
    # Paused Tue 16:00 -> Wed 09:00 = 1 h + 1.5 h of working time.
    assert national.extend_for_pause(due, at(2025, 7, 15, 16), at(2025, 7, 16, 9)) == at(2025, 7, 18, 10)


def test_cal_12_pause_over_a_weekend_adds_nothing(national):
    due = at(2025, 7, 17, 17)
    assert national.extend_for_pause(due, at(2025, 7, 12, 9), at(2025, 7, 13, 20)) == due
    with pytest.raises(ValueError):
        national.extend_for_pause(due, at(2025, 7, 13), at(2025, 7, 12))


# --- configuration ---------------------------------------------------------------------------------


def test_cal_04_custom_weekdays_shifts_and_far_years():
    calendar = WorkCalendar(
        working_weekdays=frozenset(range(6)),
        shifts=((time(8), time(12)), (time(13, 30), time(17, 30))),
    )
    assert calendar.add_working_days(at(2025, 7, 11, 9), 1) == at(2025, 7, 12, 17, 30)
    assert calendar.add_working_days(at(2025, 7, 11, 9), 0.5) == at(2025, 7, 12, 12)
    # The index grows on demand, backwards and forwards.
    assert calendar.add_working_days(at(2090, 1, 2, 9), 600).year == 2091
    assert calendar.working_time_between(at(1990, 1, 1), at(1990, 1, 2)) == timedelta(hours=8)


def test_cal_10_results_beyond_the_supported_range_raise_value_error():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(at(9998, 12, 1, 9), 100)


def test_cal_10_invalid_configurations_are_rejected():
    with pytest.raises(ValueError):
        WorkCalendar(shifts=((time(13), time(11)),))
    with pytest.raises(ValueError):
        WorkCalendar(hours_per_day=Decimal(9))
    with pytest.raises(ValueError):
        WorkCalendar(non_working_dates=frozenset({date(2025, 1, 1)}), makeup_dates=frozenset({date(2025, 1, 1)}))

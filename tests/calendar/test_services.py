"""calendar_for(): package holidays + database overrides + agency settings, cached and invalidated (CAL-05)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from motcua.calendar import services
from motcua.calendar.models import AgencyCalendarSettings, CalendarEntry, EntryKind
from motcua.core.errors import NotFound
from motcua.core.models import AuditRecord
from motcua.organizations.models import Agency
from tests.calendar.conftest import at

pytestmark = pytest.mark.django_db

CODE = "000.00.01.H14"


@pytest.fixture
def agency():
    return Agency.objects.create(code=CODE, name="Văn phòng UBND tỉnh Sơn La", short_name="VP")


def test_cal_05_agency_without_settings_inherits_the_province_calendar(agency):
    assert services.calendar_for(CODE) == services.calendar_for(None)
    assert services.calendar_for(agency).add_working_days(at(2025, 7, 14, 9), 3) == at(2025, 7, 17, 17)


def test_cal_05_unknown_agency_code_is_not_found():
    with pytest.raises(NotFound) as caught:
        services.calendar_for("000.00.99.H99")
    assert caught.value.code == "unknown_agency" and caught.value.status == 404
    assert "Không tìm thấy cơ quan" in str(caught.value.message)


def test_cal_05_makeup_saturday_entered_in_the_database_is_a_working_day():
    saturday = date(2025, 10, 11)
    before = services.calendar_for(None)
    assert not before.is_working_day(saturday)
    CalendarEntry.objects.create(date=saturday, kind=EntryKind.MAKEUP_WORKDAY, name="Làm bù")
    after = services.calendar_for(None)
    assert after.is_working_day(saturday)
    assert after.add_working_days(at(2025, 10, 10, 9), 1) == at(2025, 10, 11, 17)


def test_cal_05_agency_entries_override_province_entries(agency):
    day = date(2025, 7, 15)
    CalendarEntry.objects.create(date=day, kind=EntryKind.LOCAL_DAY_OFF, name="Nghỉ toàn tỉnh")
    CalendarEntry.objects.create(date=day, kind=EntryKind.MAKEUP_WORKDAY, name="Trực", agency=agency)
    assert not services.calendar_for(None).is_working_day(day)
    assert services.calendar_for(agency).is_working_day(day)


def test_cal_04_agency_settings_change_hours_cut_off_and_mode(agency):
    AgencyCalendarSettings.objects.create(
        agency=agency,
        working_weekdays=[0, 1, 2, 3, 4, 5],
        morning_start=time(8),
        morning_end=time(12),
        afternoon_start=time(13, 30),
        afternoon_end=time(17, 30),
        cutoff_enabled=False,
        due_time="same_time_as_acceptance",
    )
    calendar = services.calendar_for(CODE)
    assert calendar.cutoff is None and calendar.is_working_day(date(2025, 7, 12))
    assert calendar.add_working_days(at(2025, 7, 11, 9), 1) == at(2025, 7, 12, 9)
    assert calendar.transfer_due_at(at(2025, 7, 11, 16)) == at(2025, 7, 11, 17, 30)


def test_cal_05_cache_is_invalidated_by_any_write():
    first = services.calendar_for(None)
    assert services.calendar_for(None) is first  # warm
    entry = CalendarEntry.objects.create(date=date(2025, 7, 15), kind=EntryKind.LOCAL_DAY_OFF, name="Nghỉ")
    assert services.calendar_for(None).add_working_days(at(2025, 7, 14, 9), 3) == at(2025, 7, 18, 17)
    entry.delete()
    assert services.calendar_for(None).add_working_days(at(2025, 7, 14, 9), 3) == at(2025, 7, 17, 17)


def test_cal_02_seed_announced_swaps_is_idempotent_and_sourced():
    created = services.seed_announced_swaps()
    assert created >= 4
    assert services.seed_announced_swaps() == 0
    makeup = CalendarEntry.objects.get(date=date(2025, 4, 26), agency=None)
    assert makeup.kind == EntryKind.MAKEUP_WORKDAY and makeup.source
    assert CalendarEntry.objects.get(date=date(2026, 8, 31), agency=None).kind == EntryKind.COMPENSATORY_OFF
    calendar = services.calendar_for(None)
    assert calendar.is_working_day(date(2026, 8, 22)) and not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.add_working_days(at(2025, 4, 29, 9), 2) == at(2025, 5, 6, 17)


def test_gen_02_calendar_writes_are_audited(agency):
    CalendarEntry.objects.create(date=date(2025, 7, 15), kind=EntryKind.LOCAL_DAY_OFF, name="Nghỉ")
    AgencyCalendarSettings.objects.create(agency=agency)
    types = set(AuditRecord.objects.values_list("object_type", flat=True))
    assert {"work_calendar.calendarentry", "work_calendar.agencycalendarsettings"} <= types


def test_cal_05_makeup_on_a_normal_weekday_is_rejected_in_vietnamese():
    entry = CalendarEntry(date=date(2025, 7, 16), kind=EntryKind.MAKEUP_WORKDAY, name="Làm bù")
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "vốn đã là ngày làm việc" in str(caught.value.message_dict["date"])


def test_cal_14_makeup_entry_can_cancel_a_package_holiday():
    """24/11/2026 (Vietnam Cultural Day) is a holiday in the package; an administrator can cancel it."""
    assert not services.calendar_for(None).is_working_day(date(2026, 11, 24))
    entry = CalendarEntry(date=date(2026, 11, 24), kind=EntryKind.MAKEUP_WORKDAY, name="Làm việc bình thường")
    entry.full_clean()
    entry.save()
    assert services.calendar_for(None).is_working_day(date(2026, 11, 24))
    entry.full_clean()  # editing the saved row does not trip over itself


def test_cal_05_one_entry_per_date_and_scope():
    CalendarEntry.objects.create(date=date(2025, 7, 15), kind=EntryKind.LOCAL_DAY_OFF, name="Nghỉ")
    duplicate = CalendarEntry(date=date(2025, 7, 15), kind=EntryKind.HOLIDAY, name="Trùng")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "đã được khai báo" in str(caught.value)


def test_cal_04_settings_validation_messages(agency):
    settings = AgencyCalendarSettings(
        agency=agency, morning_start=time(11), morning_end=time(8), working_weekdays=[], hours_per_day=8
    )
    with pytest.raises(ValidationError) as caught:
        settings.full_clean()
    errors = caught.value.message_dict
    assert "Giờ kết thúc buổi sáng phải sau giờ bắt đầu." in errors["morning_end"]
    assert "working_weekdays" in errors
    too_long = AgencyCalendarSettings(agency=agency, hours_per_day=9)
    with pytest.raises(ValidationError) as caught:
        too_long.full_clean()
    assert "vượt quá" in str(caught.value.message_dict["hours_per_day"])

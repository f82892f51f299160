"""/api/v1/calendar through the Django test client (CAL-08, CAL-07, CAL-12, CAL-05)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from motcua.calendar.models import CalendarEntry
from motcua.organizations.models import Agency

pytestmark = pytest.mark.django_db

CODE = "000.00.01.H14"


@pytest.fixture
def agency():
    return Agency.objects.create(code=CODE, name="Văn phòng UBND tỉnh Sơn La", short_name="VP")


def deadline(client, headers=None, **params):
    return client.get(f"/api/v1/calendar/deadline?{urlencode(params)}", headers=headers or {})


def test_cal_15_deadline_endpoint_returns_due_at_with_offset(client, agency):
    response = deadline(client, agency=CODE, start="2025-07-14T09:00:00+07:00", working_days=3)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "agency": CODE,
        "start": "2025-07-14T09:00:00+07:00",
        "working_days": 3.0,
        "working_hours": None,
        "due_at": "2025-07-17T17:00:00+07:00",
        "time_zone": "Asia/Ho_Chi_Minh",
    }


def test_cal_08_naive_and_utc_starts_are_read_in_vietnam_time(client, agency):
    naive = deadline(client, agency=CODE, start="2025-04-29T10:00", working_days=2).json()
    utc = deadline(client, agency=CODE, start="2025-04-29T03:00:00Z", working_days=2).json()
    assert naive["due_at"] == utc["due_at"] == "2025-05-06T17:00:00+07:00"
    assert naive["start"] == "2025-04-29T10:00:00+07:00"


def test_cal_08_unencoded_plus_in_offset_is_tolerated(client, agency):
    response = client.get(f"/api/v1/calendar/deadline?agency={CODE}&start=2025-07-14T09:00:00+07:00&working_days=1")
    assert response.status_code == 200 and response.json()["due_at"] == "2025-07-15T17:00:00+07:00"


def test_cal_08_half_days_and_working_hours(client):
    half = deadline(client, start="2025-07-14T09:00:00+07:00", working_days="0.5").json()
    assert half["due_at"] == "2025-07-15T11:30:00+07:00" and half["agency"] is None
    hours = deadline(client, start="2025-07-14T16:00:00+07:00", working_hours=2).json()
    assert hours["due_at"] == "2025-07-15T08:30:00+07:00" and hours["working_hours"] == 2.0


def test_cal_05_unknown_agency_is_404_with_vietnamese_message(client):
    response = deadline(client, agency="000.00.99.H99", start="2025-07-14T09:00", working_days=1)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_agency" and "Không tìm thấy cơ quan" in error["message"]


def test_cal_08_negative_duration_is_422(client, agency):
    response = deadline(client, agency=CODE, start="2025-07-14T09:00", working_days=-1)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "negative_duration"
    assert error["message"] == "Thời hạn không được là số âm."
    assert error["fields"][0]["field"] == "working_days"


def test_cal_08_negative_hours_non_half_days_bad_iso_and_missing_duration_are_422(client):
    cases = [
        ({"start": "2025-07-14T09:00", "working_hours": "-2"}, "negative_duration"),
        ({"start": "2025-07-14T09:00", "working_days": "1.3"}, "not_half_day"),
        ({"start": "14/07/2025", "working_days": 1}, "validation_failed"),
        ({"start": "2025-07-14T09:00"}, "duration_required"),
        ({"start": "2025-07-14T09:00", "working_days": 1, "working_hours": 2}, "duration_required"),
        ({"start": "2025-07-14T09:00", "working_days": "abc"}, "validation_failed"),
        ({"start": "2025-07-14T09:00", "working_days": 1_000_000}, "too_long"),
        ({"start": "0001-01-01T09:00", "working_days": 1}, "validation_failed"),
    ]
    for params, code in cases:
        response = deadline(client, **params)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == code, params


def test_cal_08_english_message_on_request(client):
    response = deadline(client, {"Accept-Language": "en"}, start="2025-07-14T09:00", working_days=-1)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The time limit must not be negative."


def test_cal_12_working_time_endpoint(client, agency):
    query = urlencode({"agency": CODE, "start": "2025-07-18T16:00:00+07:00", "end": "2025-07-21T09:00:00+07:00"})
    response = client.get(f"/api/v1/calendar/working-time?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["working_hours"] == 2.5 and body["working_days"] == 0.3125
    assert body["end"] == "2025-07-21T09:00:00+07:00"


def test_cal_12_end_before_start_is_422(client):
    query = urlencode({"start": "2025-07-21T09:00", "end": "2025-07-18T09:00"})
    response = client.get(f"/api/v1/calendar/working-time?{query}")
    assert response.status_code == 422 and response.json()["error"]["code"] == "end_before_start"


def test_cal_05_admin_entered_day_off_changes_the_api_result(client, agency):
    """An override saved through the admin is visible to the next API call (cache invalidation)."""
    params = {"agency": CODE, "start": "2025-07-14T09:00:00+07:00", "working_days": 3}
    assert deadline(client, **params).json()["due_at"] == "2025-07-17T17:00:00+07:00"
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-12345")
    client.force_login(admin)
    response = client.post(
        "/admin/work_calendar/calendarentry/add/",
        {"date": "2025-07-15", "kind": "local_day_off", "name": "Nghỉ riêng của tỉnh", "source": "QĐ thử"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarEntry.objects.filter(date="2025-07-15").exists()
    assert deadline(client, **params).json()["due_at"] == "2025-07-18T17:00:00+07:00"


def test_cal_05_admin_lists_and_settings_form_render(client, agency):
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-12345")
    client.force_login(admin)
    assert client.get("/admin/work_calendar/calendarentry/?year=2025&kind=holiday&q=Tết").status_code == 200
    assert client.get("/admin/work_calendar/agencycalendarsettings/add/").status_code == 200
    response = client.post(
        "/admin/work_calendar/agencycalendarsettings/add/",
        {
            "agency": agency.pk,
            "working_weekdays": ["0", "1", "2", "3", "4", "5"],
            "morning_start": "07:00",
            "morning_end": "11:00",
            "afternoon_start": "13:00",
            "afternoon_end": "17:00",
            "cutoff_enabled": "on",
            "cutoff_time": "15:00",
            "due_time": "end_of_office",
            "hours_per_day": "8",
            "due_soon_hours": "8",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = deadline(client, agency=CODE, start="2025-07-11T09:00", working_days=1)
    assert response.json()["due_at"] == "2025-07-12T17:00:00+07:00"


def test_calendar_operations_are_documented_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/calendar/deadline"]["get"]["operationId"] == "calendar_deadline"
    assert paths["/api/v1/calendar/working-time"]["get"]["operationId"] == "calendar_working_time"

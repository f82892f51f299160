"""Tracking (PTL-TRACK-01): anonymous status and dates only; details with the phone number; the owner
sees everything; the receipt QR lands on the tracking page; 30 lookups a minute per address."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.form_data import tracking_url
from tests.portal.builders import file_online

pytestmark = pytest.mark.django_db
PERSONAL = ["Trần Thị Bích Ngọc", "038190001234", "0912345678", "12 Lê Lợi", "ngoc@example.vn"]


@pytest.fixture
def code(client, portal_world, citizen_user):
    return file_online(client, citizen_user)


def test_ptl_track_01_anonymous_lookup_shows_status_and_dates_only(code):
    anonymous = Client()
    response = anonymous.get(f"/tra-cuu/{code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert code in body and "Mới đăng ký" in body and "Đăng ký khai sinh" in body
    for value in PERSONAL:
        assert value not in body, value
    assert "Quá trình xử lý" not in body


def test_ptl_track_01_phone_number_unlocks_the_timeline(code):
    anonymous = Client()
    wrong = anonymous.post(f"/tra-cuu/{code}/", {"phone": "0900000000"})
    assert wrong.status_code == 400 and "không khớp" in wrong.content.decode()
    right = anonymous.post(f"/tra-cuu/{code}/", {"phone": "0912 345 678"})
    body = right.content.decode()
    assert right.status_code == 200 and "Quá trình xử lý" in body and "Nộp hồ sơ" in body
    for value in PERSONAL:
        assert value not in body, value


def test_owner_is_offered_the_full_dossier(client, code):
    body = client.get(f"/tra-cuu/{code}/").content.decode()
    assert f"/ho-so-cua-toi/{code}/" in body


def test_receipt_qr_encodes_the_portal_tracking_page(client, code):
    assert tracking_url(code).endswith(f"/tra-cuu/{code}/")
    assert client.get("/tra-cuu/", {"ma": code})["Location"] == f"/tra-cuu/{code}/"


def test_unknown_code_is_a_404_page(db):
    response = Client().get("/tra-cuu/000.00.01.H56-250101-9999/")
    assert response.status_code == 404


def test_ptl_track_01_lookups_are_limited_per_address(db, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PUBLIC_LOOKUP_RATE": "3/m"}
    anonymous = Client()
    # 2 x 3 + 1 lookups: even if a fixed one-minute window ends among them, one window sees 4.
    statuses = [anonymous.get("/tra-cuu/NO-SUCH/", REMOTE_ADDR="203.0.113.40").status_code for _ in range(7)]
    assert statuses[:3] == [404, 404, 404] and 429 in statuses and set(statuses) == {404, 429}
    assert anonymous.get("/tra-cuu/NO-SUCH/", REMOTE_ADDR="203.0.113.41").status_code == 404

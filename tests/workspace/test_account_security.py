"""Second factor and password policy of officials' accounts (issue 4, item 1): TOTP optional, required
for leaders and administrators when the province turns it on, codes not replayable, wrong codes
counted toward the lockout; password length by the validators, no reuse, expiry with a notice."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from django.utils import timezone

from motcua.workspace import security
from motcua.workspace.models import PasswordHistory, SecondFactor, SignInThrottle
from tests.organizations.factories import PASSWORD

NEW_PASSWORD = "Mot-mat-khau-moi-2026!"


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at(timezone.now() + timedelta(seconds=offset))


def _enrol(user):
    secret = pyotp.random_base32()
    assert security.enrol(user, secret, _code(secret, -30))  # the previous step, so "now" is still unused
    return secret


def test_enrolment_shows_a_qr_code_and_needs_a_right_code(world, sign_in):
    client = sign_in("chuyenvien.b")
    page = client.get("/can-bo/tai-khoan/xac-thuc-hai-lop/").content.decode()
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/can-bo/tai-khoan/xac-thuc-hai-lop/", {"do": "enrol", "code": "000000"})
    assert wrong.status_code == 422 and "Mã xác thực không đúng" in wrong.content.decode()
    right = client.post("/can-bo/tai-khoan/xac-thuc-hai-lop/", {"do": "enrol", "code": _code(secret)})
    assert right.status_code == 302
    assert SecondFactor.objects.get(user=world.handler).confirmed_at is not None


def test_sign_in_asks_for_the_code_and_refuses_a_replayed_one(world, client):
    secret = _enrol(world.handler)
    response = client.post("/can-bo/dang-nhap/", {"username": "chuyenvien.b", "password": PASSWORD})
    assert response["Location"].startswith("/can-bo/dang-nhap/ma-xac-thuc/")
    assert client.get("/can-bo/").status_code == 302  # not signed in yet
    code = _code(secret)
    assert client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": code}).status_code == 302
    assert client.get("/can-bo/").status_code == 200
    client.post("/can-bo/dang-xuat/")
    client.post("/can-bo/dang-nhap/", {"username": "chuyenvien.b", "password": PASSWORD})
    replay = client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": code})
    assert replay.status_code == 422 and "đã dùng" in replay.content.decode()


def test_wrong_codes_count_toward_the_lockout(world, client, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"MAX_FAILURES": 2}}
    _enrol(world.handler)
    client.post("/can-bo/dang-nhap/", {"username": "chuyenvien.b", "password": PASSWORD})
    client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": "111111"})
    response = client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": "222222"})
    assert response.status_code == 302 and response["Location"] == "/can-bo/dang-nhap/"
    assert SignInThrottle.objects.get(username="chuyenvien.b").locked_until is not None


def test_the_code_step_expires(world, client):
    secret = _enrol(world.handler)
    client.post("/can-bo/dang-nhap/", {"username": "chuyenvien.b", "password": PASSWORD})
    session = client.session
    session["workspace_pending_2fa"]["at"] -= 301
    session.save()
    response = client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": _code(secret)})
    assert response["Location"] == "/can-bo/dang-nhap/"


def test_leaders_must_enrol_when_the_province_requires_it(world, sign_in, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"TOTP_FOR_LEADERS": True}}
    leader = sign_in("lanhdao.c")
    response = leader.get("/can-bo/")
    assert response["Location"] == "/can-bo/tai-khoan/xac-thuc-hai-lop/"
    assert sign_in("chuyenvien.b").get("/can-bo/").status_code == 200  # handlers are not required


def test_a_required_factor_cannot_be_removed(world, sign_in, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"TOTP_FOR_LEADERS": True}}
    secret = _enrol(world.leader)
    client = sign_in("lanhdao.c")  # the fixture only posts the password: finish with the code
    client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": _code(secret)})
    response = client.post("/can-bo/tai-khoan/xac-thuc-hai-lop/", {"do": "remove", "code": _code(secret, 30)})
    assert "bắt buộc dùng xác thực hai lớp" in response.content.decode()
    assert security.confirmed_factor(world.leader) is not None


def test_password_change_applies_the_validators_and_refuses_reuse(world, sign_in):
    client = sign_in("motcua.a")
    short = client.post(
        "/can-bo/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "ngan", "new_password2": "ngan"},
    )
    assert short.status_code == 422 and "aria-invalid" in short.content.decode()
    same = client.post(
        "/can-bo/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "Không được dùng lại mật khẩu" in same.content.decode()
    ok = client.post(
        "/can-bo/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    assert client.get("/can-bo/").status_code == 200  # still signed in after the change
    back = client.post(
        "/can-bo/tai-khoan/doi-mat-khau/",
        {"old_password": NEW_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "Không được dùng lại mật khẩu" in back.content.decode()  # an earlier one, from the history


def test_expiry_notice_then_forced_change(world, sign_in, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"PASSWORD_MAX_AGE_DAYS": 90, "PASSWORD_NOTICE_DAYS": 10}}
    client = sign_in("motcua.a")
    PasswordHistory.objects.create(user=world.intake, password="x", changed_at=timezone.now() - timedelta(days=85))
    page = client.get("/can-bo/").content.decode()
    assert "Mật khẩu hết hạn sau 4 ngày" in page
    PasswordHistory.objects.create(user=world.intake, password="y", changed_at=timezone.now() - timedelta(days=91))
    PasswordHistory.objects.filter(password="x").delete()
    response = client.get("/can-bo/")
    assert response["Location"] == "/can-bo/tai-khoan/doi-mat-khau/"

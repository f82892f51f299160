"""Accounts: registration with e-mail verification, rate-limited sign-in, profile, my dossiers, and
OpenID Connect sign-in against a local provider over HTTP (PTL-AUTH-01, PTL-FN-01)."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from motcua.portal.models import Profile
from tests.portal.builders import PASSWORD, file_online
from tests.portal.oidc_provider import OidcProvider

pytestmark = pytest.mark.django_db


def test_register_verify_by_signed_link_then_sign_in(db):
    browser = Client()
    response = browser.post(
        "/tai-khoan/dang-ky/", {"email": "Hung@Example.vn", "full_name": "Nguyễn Văn Hùng", "password": PASSWORD}
    )
    assert response.status_code == 200 and "Kiểm tra thư điện tử" in response.content.decode()
    user = get_user_model().objects.get(username="hung@example.vn")
    assert not user.is_active
    assert browser.post("/tai-khoan/dang-nhap/", {"email": "hung@example.vn", "password": PASSWORD}).status_code == 400
    link = re.search(r"http://testserver(/tai-khoan/xac-thuc/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert "hung" not in link.lower()  # no personal data in the link
    assert browser.get(link.replace("/xac-thuc/", "/xac-thuc/x")).status_code == 400
    assert browser.get(link).status_code == 302
    assert Profile.objects.get(user=user).email_verified
    signed_in = browser.post("/tai-khoan/dang-nhap/", {"email": "hung@example.vn", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/ho-so-cua-toi/"


def test_registration_errors_are_vietnamese(db, citizen_user):
    response = Client().post("/tai-khoan/dang-ky/", {"email": "ngoc@example.vn", "full_name": "", "password": "123"})
    body = response.content.decode()
    assert "đã được đăng ký" in body and "Vui lòng nhập họ và tên." in body


def test_sign_in_is_rate_limited(db):
    browser = Client()
    # 2 x 10 + 1 tries: even if a fixed one-minute window ends among them, one window sees 11.
    statuses = [
        browser.post(
            "/tai-khoan/dang-nhap/", {"email": "x@example.vn", "password": "sai"}, REMOTE_ADDR="203.0.113.70"
        ).status_code
        for _ in range(21)
    ]
    assert statuses[0] == 400 and 429 in statuses and set(statuses) == {400, 429}


def test_registration_is_rate_limited(db):
    browser = Client()
    statuses = [
        browser.post("/tai-khoan/dang-ky/", {"email": "sai"}, REMOTE_ADDR="203.0.113.71").status_code for _ in range(11)
    ]
    assert statuses[0] != 429 and 429 in statuses


def test_sign_in_refuses_an_outside_next_and_sign_out_needs_post(client, citizen_user):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"email": "ngoc@example.vn", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/ho-so-cua-toi/"
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    assert client.post("/tai-khoan/dang-xuat/").status_code == 302
    assert client.get("/ho-so-cua-toi/").status_code == 302


def test_profile_is_validated_and_saved(client, citizen_user):
    client.force_login(citizen_user)
    bad = client.post("/tai-khoan/thong-tin/", {"full_name": "Ngọc", "id_number": "12", "phone": "abc", "address": ""})
    assert "Số định danh cá nhân gồm 12 chữ số." in bad.content.decode()
    client.post(
        "/tai-khoan/thong-tin/",
        {"full_name": "Ngọc", "id_number": "001190000001", "phone": "0987654321", "address": "Hà Nội"},
    )
    assert Profile.objects.get(user=citizen_user).id_number == "001190000001"


def test_my_dossiers_lists_only_mine(client, portal_world, citizen_user):
    code = file_online(client, citizen_user)
    assert code in client.get("/ho-so-cua-toi/").content.decode()
    from tests.portal.builders import make_citizen

    client.force_login(make_citizen("khac@example.vn"))
    assert code not in client.get("/ho-so-cua-toi/").content.decode()


@pytest.fixture
def provider(settings):
    person = {
        "sub": "VNEID-001",
        "name": "Phạm Thu Trang",
        "email": "trang@example.vn",
        "email_verified": True,
        "citizen_id": "001195000123",
    }
    with OidcProvider("motcua-portal", "s3cret-for-tests", person) as running:
        settings.MOTCUA_OIDC = {
            "issuer": running.issuer,
            "client_id": "motcua-portal",
            "client_secret": "s3cret-for-tests",
        }
        yield running


def _authorize(browser, provider):
    start = browser.get("/tai-khoan/dinh-danh/")
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start["Location"])
    except urllib.error.HTTPError as answer:  # the 302 back to our callback
        callback = urlparse(answer.headers["Location"])
    return browser.get(f"{callback.path}?{callback.query}")


def test_ptl_auth_01_openid_connect_sign_in_creates_then_reuses_the_account(provider):
    browser = Client()
    done = _authorize(browser, provider)
    assert done.status_code == 302 and done["Location"] == "/ho-so-cua-toi/"
    profile = Profile.objects.get(oidc_subject="VNEID-001")
    assert profile.full_name == "Phạm Thu Trang" and profile.id_number == "001195000123"
    assert browser.get("/ho-so-cua-toi/").status_code == 200
    again = Client()
    assert _authorize(again, provider).status_code == 302
    assert Profile.objects.filter(oidc_subject="VNEID-001").count() == 1


def test_ptl_auth_01_a_token_signed_with_another_key_is_refused(provider):
    provider.tamper = True
    browser = Client()
    refused = _authorize(browser, provider)
    assert refused.status_code == 400
    assert not Profile.objects.filter(oidc_subject="VNEID-001").exists()
    assert browser.get("/ho-so-cua-toi/").status_code == 302


def test_ptl_auth_01_a_forged_state_is_refused(provider):
    browser = Client()
    browser.get("/tai-khoan/dinh-danh/")
    assert browser.get("/tai-khoan/dinh-danh/ket-qua/?code=abc&state=forged").status_code == 400

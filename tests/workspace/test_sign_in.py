"""Officials' sign-in (issue 4, item 1): lockout counted per username and audited, session expiry,
sign-out and sign-out everywhere, no open redirect, officials only. GEN-03 for the audit records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.core.models import AuditRecord
from motcua.workspace import auth
from motcua.workspace.models import SignInThrottle
from tests.organizations.factories import PASSWORD


def _post(client, username, password):
    return client.post("/can-bo/dang-nhap/", {"username": username, "password": password})


def test_anonymous_is_sent_to_sign_in_with_next(client, db):
    response = client.get("/can-bo/?tab=overdue")
    assert response.status_code == 302
    assert response["Location"].startswith("/can-bo/dang-nhap/?next=")


def test_sign_in_goes_to_next_but_never_off_site(client, world):
    response = client.post(
        "/can-bo/dang-nhap/", {"username": "motcua.a", "password": PASSWORD, "next": "/can-bo/tiep-nhan/"}
    )
    assert response["Location"] == "/can-bo/tiep-nhan/"
    client.post("/can-bo/dang-xuat/")
    response = client.post(
        "/can-bo/dang-nhap/", {"username": "motcua.a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/can-bo/"


def test_wrong_password_shows_a_vietnamese_message_and_keeps_the_username(client, world):
    response = _post(client, "motcua.a", "sai-mat-khau")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in body
    assert 'value="motcua.a"' in body


def test_empty_fields_are_named(client, world):
    body = _post(client, "", "").content.decode()
    assert "Hãy nhập tên đăng nhập." in body and "Hãy nhập mật khẩu." in body


def test_lockout_after_repeated_failures_refuses_even_the_right_password_and_is_audited(client, world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"MAX_FAILURES": 3, "LOCK_MINUTES": 15}}
    for _ in range(3):
        assert _post(client, "motcua.a", "sai").status_code == 422
    response = _post(client, "motcua.a", PASSWORD)
    assert response.status_code == 422
    assert "tạm khóa" in response.content.decode()
    assert SignInThrottle.objects.get(username="motcua.a").locked_until > timezone.now()
    actions = list(AuditRecord.objects.filter(object_type="workspace.signin").values_list("action", flat=True))
    assert actions.count("sign_in_failed") == 3 and "sign_in_locked" in actions


def test_lock_ends_after_its_time_and_success_resets_the_count(client, world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"MAX_FAILURES": 2}}
    _post(client, "motcua.a", "sai")
    _post(client, "motcua.a", "sai")
    SignInThrottle.objects.filter(username="motcua.a").update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _post(client, "motcua.a", PASSWORD).status_code == 302
    assert SignInThrottle.objects.get(username="motcua.a").failures == 0


def test_unknown_usernames_are_counted_too(client, world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "WORKSPACE": {"MAX_FAILURES": 2}}
    _post(client, "Khong.Ton.Tai", "x")
    _post(client, "khong.ton.tai", "x")
    assert SignInThrottle.objects.get(username="khong.ton.tai").locked_until is not None


def test_a_user_without_any_role_cannot_sign_in(client, world):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="khach", password=PASSWORD)
    assert _post(client, "khach", PASSWORD).status_code == 422


def test_sign_out_needs_post_and_ends_the_session(sign_in, world):
    client = sign_in("motcua.a")
    assert client.get("/can-bo/dang-xuat/").status_code == 405
    client.post("/can-bo/dang-xuat/")
    assert client.get("/can-bo/").status_code == 302


def test_sign_out_everywhere_ends_the_other_browsers_sessions(world):
    first, second = Client(), Client()
    assert _post(first, "motcua.a", PASSWORD).status_code == 302
    assert _post(second, "motcua.a", PASSWORD).status_code == 302
    assert second.get("/can-bo/").status_code == 200
    first.post("/can-bo/dang-xuat-moi-noi/")
    response = second.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith("/can-bo/dang-nhap/")
    # Signing in again afterwards works and is valid.
    assert _post(second, "motcua.a", PASSWORD).status_code == 302
    assert second.get("/can-bo/").status_code == 200


def test_session_older_than_a_working_day_expires(sign_in, world, settings):
    client = sign_in("motcua.a")
    session = client.session
    session[auth.SESSION_STARTED] = (timezone.now() - timedelta(hours=11)).timestamp()
    session.save()
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith("/can-bo/dang-nhap/")


def test_idle_expiry_is_set_on_the_session(sign_in, world):
    client = sign_in("motcua.a")
    assert client.session.get_expiry_age() == auth.option("IDLE_MINUTES") * 60


@pytest.mark.parametrize("path", ["/can-bo/", "/can-bo/tiep-nhan/", "/can-bo/lanh-dao/"])
def test_every_page_requires_sign_in(client, db, path):
    assert client.get(path).status_code == 302


def test_activity_keeps_the_session_alive(sign_in, world):
    """Idle expiry counts from the last request: an active session is re-saved (at most once a minute)."""
    from django.contrib.sessions.models import Session

    client = sign_in("motcua.a")
    key = client.session.session_key
    session = client.session
    session[auth.SESSION_SEEN] = (timezone.now() - timedelta(minutes=5)).timestamp()
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/can-bo/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=25)


def test_an_expired_session_sends_htmx_requests_to_the_sign_in_page(client, db):
    response = client.get("/can-bo/dem/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/can-bo/dang-nhap/")

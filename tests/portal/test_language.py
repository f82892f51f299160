"""The portal speaks English when switched (Vietnamese first, English second; DESIGN: every
user-visible string translatable): the switch sets the language cookie, pages and messages follow."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_switch_to_english_and_back(portal_world):
    browser = Client()
    assert "Tìm thủ tục hành chính" in browser.get("/").content.decode()
    switched = browser.post("/ngon-ngu/", {"language": "en", "next": "/thu-tuc/1.001193/"})
    assert switched.status_code == 302 and switched["Location"] == "/thu-tuc/1.001193/"
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    home = browser.get("/").content.decode()
    assert '<html lang="en">' in home
    assert "Find an administrative procedure" in home and "Tìm thủ tục hành chính" not in home
    procedure = browser.get("/thu-tuc/1.001193/").content.decode()
    assert "Fees and charges" in procedure and "Legal basis" in procedure and "Tiếng Việt" in procedure
    browser.post("/ngon-ngu/", {"language": "vi", "next": "/"})
    assert "Tìm thủ tục hành chính" in browser.get("/").content.decode()


def test_english_validation_messages_for_an_english_browser(portal_world):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.post("/phan-anh/", {"sender_name": "A", "subject": "x", "content": "y"})
    assert page.status_code == 422
    body = page.content.decode()
    assert "Please enter your full name." in body and "The subject needs at least 5 characters." in body


def test_switch_never_redirects_off_site_and_ignores_unknown_languages():
    browser = Client()
    response = browser.post("/ngon-ngu/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/" and settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert browser.post("/ngon-ngu/", {"language": "en", "next": "//evil.example/"})["Location"] == "/"

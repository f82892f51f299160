"""The workspace in English (issue 4: Vietnamese by default, every string translated): the
language follows the browser (LocaleMiddleware: Accept-Language, or the `django_language` cookie)."""

from __future__ import annotations

import re

from django.conf import settings

from tests.dossiers.builders import counter_dossier, to_processing


def test_sign_in_page_is_vietnamese_by_default_and_english_when_asked(client):
    assert "Đăng nhập dành cho cán bộ" in client.get("/can-bo/dang-nhap/").content.decode()
    english = client.get("/can-bo/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign-in for officials" in english and "Đăng nhập dành cho cán bộ" not in english


def test_worklist_dossier_page_and_reception_render_in_english(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("chuyenvien.b")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    worklist = client.get("/can-bo/?tab=mine").content.decode()
    assert "My work" in worklist and "Việc của tôi" not in worklist
    # The deadline badge in words (another app's catalogue may say "Late" for the same Vietnamese).
    assert re.findall(r'badge-late">([^<]*)<', worklist) in (["Overdue"], ["Late"])
    counts = client.get("/can-bo/dem/?tab=mine").content.decode()
    assert "Awaiting return" in counts
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    for text in ("Dossier components", "Processing history (control slip)", "What the citizen sees when tracking"):
        assert text in page
    assert "Thành phần hồ sơ" not in page


def test_counter_reception_in_english(world, sign_in):
    client = sign_in("motcua.a")
    page = client.get("/can-bo/tiep-nhan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Counter reception of a dossier" in page and "3. Result of the dossier check" in page

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


def _catalogue() -> dict[str, str]:
    """msgid -> msgstr of the workspace's English catalogue (single-line and continued strings)."""
    import json
    from pathlib import Path

    import motcua.workspace

    path = Path(motcua.workspace.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries: dict[str, str] = {}
    msgid, current, field = "", "", ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgid|msgstr|msgstr\[0\]|msgid_plural|msgstr\[1\]) (".*")$', line)
        if match:
            field, current = match.group(1), json.loads(match.group(2))
        elif line.startswith('"') and field:
            current += json.loads(line)
        else:
            field = ""
            continue
        if field == "msgid":
            msgid = current
        elif field in ("msgstr", "msgstr[0]"):
            entries[msgid] = current
    return entries


def test_every_workspace_string_has_an_english_translation():
    """Each literal the workspace marks for translation (Python and templates) is in the catalogue,
    translated (a new Vietnamese string without English fails here, not in front of a user)."""
    from pathlib import Path

    import motcua.workspace

    catalogue = _catalogue()
    root = Path(motcua.workspace.__file__).parent
    marked = set()
    for path in [*root.glob("*.py"), *root.glob("templates/workspace/*.html")]:
        text = path.read_text(encoding="utf-8")
        marked |= set(re.findall(r'\b(?:_|gettext_lazy)\("([^"\\]+)"\)', text))
        marked |= set(re.findall(r'{% translate "([^"]+)" %}', text))
    assert len(marked) > 150
    missing = sorted(m for m in marked if not catalogue.get(m))
    assert missing == []

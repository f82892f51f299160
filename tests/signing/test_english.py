"""English translations of the signing app: the verification page, API errors and model names
follow the browser's language; every message has an English text (GEN: Vietnamese first, English
second)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

import motcua.signing
from motcua.core.errors import ValidationFailed
from motcua.signing.models import CertificateKind
from motcua.signing.pades import check_pdf

PO = Path(motcua.signing.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, continuation lines joined."""
    entries, current, key = [], {"msgid": "", "msgstr": ""}, None
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            if key == "msgid" and current["msgstr"] or key == "msgid" and current["msgid"]:
                entries.append((current["msgid"], current["msgstr"]))
                current = {"msgid": "", "msgstr": ""}
            current[key] = rest.strip()[1:-1]
        elif line.startswith('"') and key:
            current[key] += line.strip()[1:-1]
    entries.append((current["msgid"], current["msgstr"]))
    return [(i, s) for i, s in entries if i]


def test_every_signing_message_has_an_english_text():
    entries = _entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_signing_errors_and_labels_in_english():
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as caught:
            check_pdf(b"")
        assert str(caught.value.message) == "The file is empty (0 bytes), not a PDF."
        assert str(CertificateKind.PERSONAL.label) == "Personal"
    with translation.override("vi"), pytest.raises(ValidationFailed, match="Tệp rỗng"):
        check_pdf(b"")


@pytest.mark.django_db
def test_verification_page_in_english(client):
    english = client.get("/chu-ky-so/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Verify the digital signatures in a PDF" in english
    vietnamese = client.get("/chu-ky-so/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Kiểm tra chữ ký số trên tệp PDF" in vietnamese


@pytest.mark.django_db
def test_verify_api_error_in_english(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post("/api/v1/signatures/verify", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The file is not a PDF."

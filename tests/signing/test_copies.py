"""E-copies (SIG-05): sao y, sao lục, trích sao signed by the copying organisation at the top right
of page 1, no image, text "<copy form>; <organisation>; <time ISO 8601>"; PDF 1.4 or later."""

from __future__ import annotations

import re
import subprocess

import pytest

from motcua.core.errors import ValidationFailed
from motcua.signing.models import Certificate, SignatureRecord
from motcua.signing.services import sign_copy
from motcua.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True).stdout
    return text.decode().splitlines()


@pytest.mark.parametrize(("form", "words"), [("sao_y", "SAO Y"), ("sao_luc", "SAO LỤC"), ("trich_sao", "TRÍCH SAO")])
def test_sig_05_e_copy_line_names_the_form_the_organisation_and_the_time(world, receipt_pdf, root, form, words):
    agency = Certificate.objects.get(kind="agency")
    signed = sign_copy(receipt_pdf, agency, copy_form=form, level="B-B")
    assert verify_pdf(signed, [root]).ok
    lines = _text(signed)  # the stamp comes first: it is the topmost text of page 1
    assert lines[0] == f"{words}; Ủy ban nhân dân phường Hạc Thành;", lines
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", lines[1]), lines
    assert SignatureRecord.objects.get().purpose == "copy"


def test_sig_05_e_copies_refuse_old_pdfs_unknown_forms_and_personal_certificates(world, receipt_pdf):
    agency = Certificate.objects.get(kind="agency")
    old = receipt_pdf.replace(b"%PDF-1.7", b"%PDF-1.3", 1)
    with pytest.raises(ValidationFailed, match="pdf_version_too_old"):
        sign_copy(old, agency, level="B-B")
    with pytest.raises(ValidationFailed, match="copy_form_invalid"):
        sign_copy(receipt_pdf, agency, copy_form="photo", level="B-B")
    with pytest.raises(ValidationFailed, match="wrong_kind"):
        sign_copy(receipt_pdf, world.personal, level="B-B")
    assert not SignatureRecord.objects.exists()


def test_sig_04_a_long_notation_shrunk_to_the_box_is_still_valid_pdf_content(people, pki_server, receipt_pdf):
    """A text shrunk to the full width once started at x = 1e-14, written "1e-14" (not a PDF number):
    poppler reported a syntax error and dropped the stamp."""
    from motcua.signing.pades import Visible, sign_pdf

    from .conftest import signer_for

    notation = "1234/QĐ-UBND-VP-TCCB ngày 14/7/2025"
    visible = Visible("attachment", notation=notation)
    signed = sign_pdf(receipt_pdf, signer_for(people.agency, pki_server), level="B-B", visible=visible)
    command = ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", "-"]
    rendered = subprocess.run(command, input=signed, capture_output=True)
    assert rendered.returncode == 0 and b"Syntax Error" not in rendered.stderr, rendered.stderr
    assert _text(signed)[0].startswith(notation + ";")

"""The verification page in a real browser, with an accessibility check (SIG-09)."""

from __future__ import annotations

import pytest

from motcua.signing import registry
from motcua.signing.pades import sign_pdf

from .conftest import signer_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_sig_09_anyone_verifies_a_signed_pdf_in_the_browser(page, axe, pki_server, people, receipt_pdf, tmp_path):
    registry.add_trusted_root(pki_server.authority.pki.root.pem(), name="CA thử nghiệm", is_demo=True)
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-B"))
    page.goto("/chu-ky-so/")
    assert axe(page) == []
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_selector(".signature-report")
    assert "Tất cả chữ ký hợp lệ và tin cậy." in page.content()
    assert axe(page) == []

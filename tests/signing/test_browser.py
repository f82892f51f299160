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


def test_sig_02_sig_09_a_leader_signs_the_result_in_the_workspace_and_anyone_verifies_it(page, axe, world, tmp_path):
    """Issue 6's "done when" in a browser: the leader signs and issues the result from the dossier
    page; the downloaded result carries the leader's and the agency's signatures and the public
    verification page says they are valid and trusted."""
    import re

    from motcua.dossiers.models import Dossier
    from tests.dossiers.builders import counter_dossier, to_processing
    from tests.organizations.factories import PASSWORD

    from .conftest import make_pdf

    dossier = to_processing(world, counter_dossier(world))
    draft = tmp_path / "du-thao-ket-qua.pdf"
    draft.write_bytes(make_pdf(text="Quyết định công nhận"))

    page.goto("/can-bo/dang-nhap/")
    page.fill("#id_username", world.leader.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:text('Đăng nhập')")
    page.wait_for_url(re.compile(r"/can-bo/(\?.*)?$"))
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    page.get_by_role("link", name="Ký số văn bản kết quả").click()
    page.wait_for_url(re.compile(r"/ky-so/$"))
    assert axe(page) == []
    page.set_input_files("#sign-file", str(draft))
    page.get_by_role("button", name="Ký số và ban hành kết quả").click()
    page.wait_for_url(re.compile(rf"/can-bo/ho-so/{dossier.code}/$"))
    assert "Đã ký số (lãnh đạo và cơ quan) và ban hành kết quả." in page.content()
    assert Dossier.objects.get(pk=dossier.pk).status == "resolved"
    assert axe(page) == []

    result = Dossier.objects.get(pk=dossier.pk).components.get(kind="result")
    download = page.context.request.get(f"/can-bo/ho-so/{dossier.code}/tep/{result.pk}/")
    signed = tmp_path / "ket-qua-da-ky.pdf"
    signed.write_bytes(download.body())

    page.goto("/chu-ky-so/")
    page.set_input_files("#id_file", str(signed))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_selector(".signature-report")
    text = page.content()
    assert "Tất cả chữ ký hợp lệ và tin cậy." in text and "Chữ ký 2" in text

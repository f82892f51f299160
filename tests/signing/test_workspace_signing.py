"""Signing a dossier's result in the officials' workspace (/can-bo/ho-so/<code>/ky-so/): the leader
signs with their personal certificate, the clerk issues with the agency's; each signature is an event
and the result verifies (SIG-01, SIG-02, SIG-06, SIG-07)."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform_action
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import at, counter_dossier, make_official, to_processing
from tests.organizations.factories import PASSWORD

from .conftest import make_pdf
from .test_dossier_events import _stored

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    response = client.post("/can-bo/dang-nhap/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def _upload(content: bytes, name: str = "ket-qua.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_sig_02_the_leader_signs_and_issues_the_result_from_the_dossier_page(world, root, client):
    dossier = to_processing(world, counter_dossier(world))
    _sign_in(client, world.leader)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f"/can-bo/ho-so/{dossier.code}/ky-so/" in page

    form = client.get(f"/can-bo/ho-so/{dossier.code}/ky-so/").content.decode()
    assert "Ký số và ban hành kết quả" in form and "Nguyễn Văn Lãnh" in form

    data = {"act": "leader", "result_kind": "approval", "file": _upload(make_pdf())}
    response = client.post(f"/can-bo/ho-so/{dossier.code}/ky-so/", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == "resolved"
    signs = list(dossier.events.filter(action="sign").order_by("seq"))
    assert [s.payload["signature"]["kind"] for s in signs] == ["personal", "agency"]
    result = dossier.components.get(kind="result")
    report = verify_pdf(_stored(result), [root])
    assert report.ok and len(report.signatures) == 2

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "chứng thư số tổ chức" in page and "PAdES" in page


def test_sig_02_a_bad_file_is_refused_with_a_message_and_nothing_is_signed(world, client):
    dossier = to_processing(world, counter_dossier(world))
    _sign_in(client, world.leader)
    url = f"/can-bo/ho-so/{dossier.code}/ky-so/"
    response = client.post(url, {"act": "leader", "file": _upload(b"not a pdf at all")})
    assert response.status_code == 422
    assert "PDF" in response.content.decode()
    response = client.post(url, {"act": "leader"})
    assert response.status_code == 422 and "tải lên tệp PDF" in response.content.decode()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == "in_process" and not dossier.events.filter(action="sign").exists()


def test_sig_02_an_official_without_a_leader_or_clerk_role_is_not_offered_signing(world, client):
    dossier = to_processing(world, counter_dossier(world))
    _sign_in(client, world.handler)
    assert f"/ho-so/{dossier.code}/ky-so/" not in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    response = client.post(f"/can-bo/ho-so/{dossier.code}/ky-so/", {"act": "leader", "file": _upload(make_pdf())})
    assert response.status_code == 302
    assert not Dossier.objects.get(pk=dossier.pk).events.filter(action="sign").exists()


def test_sig_06_with_a_clerk_step_the_leader_signs_a_draft_and_the_clerk_issues_it(world, clerk_process, root, client):
    clerk = make_official("vanthu.w", world.unit, ["clerk"])
    dossier = to_processing(world, counter_dossier(world))
    from motcua.dossiers.files import Upload

    perform_action(
        dossier,
        "complete_step",
        world.handler,
        {"transition": "propose"},
        files=[Upload(filename="du-thao.pdf", content=make_pdf(text="Dự thảo quyết định"), name="Dự thảo")],
        now=at(14, 12),
    )
    draft = dossier.components.get(kind="attachment")

    _sign_in(client, world.leader)
    form = client.get(f"/can-bo/ho-so/{dossier.code}/ky-so/").content.decode()
    assert "Quy trình có bước văn thư" in form and f'value="{draft.pk}"' in form
    response = client.post(f"/can-bo/ho-so/{dossier.code}/ky-so/", {"act": "leader", "draft": str(draft.pk)})
    assert response.status_code == 302
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'Đã ký số</span> <span class="hint">Nguyễn Văn Lãnh' in page  # the file signed here, by its event
    perform_action(Dossier.objects.get(pk=dossier.pk), "complete_step", world.leader, {"transition": "sign"})
    client.logout()

    _sign_in(client, clerk)
    url = f"/can-bo/ho-so/{dossier.code}/ky-so/"
    missing = client.post(url, {"act": "clerk", "notation": "  "})
    assert missing.status_code == 422 and "số, ký hiệu" in missing.content.decode()
    response = client.post(url, {"act": "clerk", "notation": "15/QĐ-UBND", "result_kind": "approval"})
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == "resolved"
    signs = list(dossier.events.filter(action="sign").order_by("seq"))
    assert [(s.role, s.payload["signature"]["kind"]) for s in signs][-2:] == [
        ("department_leader", "personal"),
        ("clerk", "agency"),
    ]
    report = verify_pdf(_stored(dossier.components.get(kind="result")), [root])
    assert report.ok and len(report.signatures) == 2

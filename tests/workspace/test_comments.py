"""Comments and attachments on the dossier page that move nothing (issue 4, item 4): the handler's
verification records and notes (OS-PROC-02)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from tests.dossiers.builders import PDF, PNG, counter_dossier, to_processing

pytestmark = pytest.mark.django_db


def _comment(client, dossier, text, version=None, files=()):
    data = {"comment": text, "expected_version": dossier.version if version is None else version}
    if files:
        data["files"] = list(files)
    return client.post(f"/can-bo/ho-so/{dossier.code}/y-kien/", data)


def test_os_proc_02_a_comment_with_a_file_goes_into_the_timeline_and_the_components(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("chuyenvien.b")
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Ghi ý kiến, đính kèm tệp" in page
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = _comment(client, dossier, "Đã xác minh tại địa phương.", files=[upload])
    assert response.status_code == 302
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.status, stored.substate, stored.due_at) == (dossier.status, dossier.substate, dossier.due_at)
    page = client.get(response["Location"]).content.decode()
    assert "Đã ghi ý kiến vào hồ sơ." in page and "Đã xác minh tại địa phương." in page and "bien-ban.pdf" in page
    assert stored.components.filter(filename="bien-ban.pdf", kind="attachment").exists()


def test_os_proc_02_an_empty_comment_or_a_disguised_file_is_named_and_the_text_kept(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("chuyenvien.b")
    empty = _comment(client, dossier, "  ")
    assert empty.status_code == 422 and 'id="comment-text-err"' in empty.content.decode()
    fake = SimpleUploadedFile("anh.pdf", PNG, content_type="application/pdf")
    refused = _comment(client, dossier, "Kèm ảnh", files=[fake])
    body = refused.content.decode()
    assert refused.status_code == 422 and 'id="comment-files-err"' in body and ">Kèm ảnh</textarea>" in body
    assert not Dossier.objects.get(pk=dossier.pk).events.filter(action="comment").exists()


def test_os_proc_02_the_same_comment_form_posted_twice_records_one_comment(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("chuyenvien.b")
    assert _comment(client, dossier, "Một lần").status_code == 302
    second = _comment(client, dossier, "Một lần")
    assert "Hồ sơ vừa được cập nhật" in client.get(second["Location"]).content.decode()
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="comment").count() == 1

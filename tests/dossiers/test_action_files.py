"""Files that come with actions: a supplement, the result document, an attachment (OS-SUPP-04, OS-RET-01).

They are checked by content like intake files, listed on the event that brings them, stored as
components pointing back at that event, and downloadable only by officials of the dossier."""

from __future__ import annotations

import base64
import hashlib

import pytest

from motcua.core.errors import ValidationFailed
from motcua.dossiers.files import Upload
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import perform_action
from tests.dossiers.builders import PDF, PNG, at, counter_dossier, to_processing
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _supplement_requested(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(
        dossier, "request_supplement", world.handler, {"reason": "Thiếu", "items": ["Giấy chứng sinh"]}, now=at(15, 9)
    )
    return dossier


def test_os_supp_04_resupply_with_files_records_them_on_the_event_and_as_components(world):
    dossier = _supplement_requested(world)
    event = perform_action(
        dossier,
        "resupply",
        world.intake,
        {"items": ["Giấy chứng sinh bản chính"]},
        files=[Upload("chung-sinh.png", PNG, "Giấy chứng sinh bản chính", "GT02", 1, 0)],
        now=at(16, 9),
    )
    stored = DossierEvent.objects.get(pk=event.pk)
    assert stored.attachments == [
        {
            "name": "Giấy chứng sinh bản chính",
            "filename": "chung-sinh.png",
            "sha256": hashlib.sha256(PNG).hexdigest(),
            "size": len(PNG),
            "content_type": "image/png",
        }
    ]
    added = dossier.components.get(added_by_event=stored.seq)
    assert added.kind == "supplement"
    assert added.required_document.code == "GT02"
    assert added.file.read() == PNG
    assert dossier.components.filter(kind="submitted").count() == 2


def test_resolve_with_the_result_document_stores_a_result_component(world):
    dossier = to_processing(world, counter_dossier(world))
    event = perform_action(
        dossier,
        "resolve",
        world.leader,
        {"result_kind": "approval"},
        files=[Upload("giay-khai-sinh.pdf", PDF, "Giấy khai sinh")],
        now=at(16, 10),
    )
    result = dossier.components.get(kind="result")
    assert result.added_by_event == event.seq and result.name == "Giấy khai sinh"


def test_a_file_that_is_not_what_its_extension_says_refuses_the_whole_action(world):
    dossier = _supplement_requested(world)
    before = (dossier.version, dossier.components.count(), dossier.events.count())
    with pytest.raises(ValidationFailed) as refused:
        perform_action(
            dossier, "resupply", world.intake, {"items": ["x"]}, files=[Upload("gia.pdf", PNG)], now=at(16, 9)
        )
    assert [f.field for f in refused.value.fields] == ["files.0.file"]
    assert refused.value.fields[0].code == "file_content_mismatch"
    dossier.refresh_from_db()
    assert (dossier.version, dossier.components.count(), dossier.events.count()) == before  # nothing half-written


def test_api_action_with_files_then_download_it_with_its_checked_type(client, world):
    dossier = _supplement_requested(world)
    assert client.login(username=world.intake.username, password=PASSWORD)
    body = {
        "action": "resupply",
        "items": ["Giấy chứng sinh bản chính"],
        "files": [
            {"filename": "chung-sinh.png", "content_base64": base64.b64encode(PNG).decode(), "document_code": "GT02"}
        ],
    }
    response = client.post(f"/api/v1/dossiers/{dossier.code}/actions", body, content_type="application/json")
    assert response.status_code == 200, response.content
    component = next(c for c in response.json()["components"] if c["kind"] == "supplement")
    download = client.get(f"/api/v1/dossiers/{dossier.code}/files/{component['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_api_bad_base64_in_action_files_is_a_422_naming_the_field(client, world):
    dossier = _supplement_requested(world)
    assert client.login(username=world.intake.username, password=PASSWORD)
    body = {"action": "resupply", "items": ["x"], "files": [{"filename": "a.pdf", "content_base64": "@@@"}]}
    response = client.post(f"/api/v1/dossiers/{dossier.code}/actions", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "files.0.content_base64"


def test_files_of_a_dossier_are_not_served_outside_its_agencies(client, world):
    dossier = counter_dossier(world)
    component = dossier.components.first()
    assert client.login(username=world.outsider.username, password=PASSWORD)
    assert client.get(f"/api/v1/dossiers/{dossier.code}/files/{component.pk}").status_code == 403
    assert client.login(username=world.intake.username, password=PASSWORD)
    assert client.get(f"/api/v1/dossiers/{dossier.code}/files/999999").status_code == 404

"""Officials' comments (with or without files) on a dossier: an event that moves nothing (the
dossier page of issue 4; DESIGN.md rule 3: every write is an event). A comment with its files is
how a handler records a verification or an attendance in the system (OS-PROC-02)."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model

from motcua.core.errors import Conflict, Forbidden, ValidationFailed
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.projection import PROJECTED, rebuild_projection
from motcua.dossiers.services import add_comment, perform_action
from tests.dossiers.builders import PDF, PNG, at, counter_dossier, to_processing
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _projection(dossier) -> dict:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return {name: getattr(fresh, name) for name in PROJECTED}


def test_os_proc_02_a_comment_is_an_event_that_changes_no_state_and_stores_its_files(world):
    dossier = to_processing(world, counter_dossier(world))
    before, version = _projection(dossier), dossier.version
    upload = Upload(filename="to-trinh.pdf", content=PDF, name="Tờ trình")
    event = add_comment(dossier, world.handler, "  Đã xác minh thực địa.  ", files=[upload], now=at(14, 10))
    assert (event.action, event.reason, event.payload["comment"]) == ("comment", *["Đã xác minh thực địa."] * 2)
    assert event.from_state == event.to_state == dossier.status
    assert _projection(dossier) == before and Dossier.objects.get(pk=dossier.pk).version == version + 1
    component = dossier.components.get(added_by_event=event.seq)
    assert (component.kind, component.filename) == ("attachment", "to-trinh.pdf")
    assert component.signatures == {"signed": False}
    rebuilt = rebuild_projection(Dossier.objects.get(pk=dossier.pk))
    assert {name: rebuilt[name] for name in PROJECTED} == before


def test_os_proc_02_a_comment_between_a_pause_and_the_resupply_keeps_the_step_to_resume(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "request_supplement", world.handler, {"items": ["GT01"], "reason": "Thiếu"}, now=at(14, 9))
    add_comment(dossier, world.intake, "Đã gọi điện cho công dân.", now=at(14, 10))
    files = [Upload(filename="b.png", content=PNG, document_code="GT02", originals=1)]
    perform_action(dossier, "resupply", world.intake, {"items": ["GT01"]}, files=files, now=at(14, 11))
    dossier.refresh_from_db()
    assert dossier.status == "in_process" and dossier.substate is not None


def test_os_proc_02_an_empty_or_overlong_comment_is_refused_with_a_field_message(world):
    dossier = counter_dossier(world)
    with pytest.raises(ValidationFailed) as empty:
        add_comment(dossier, world.handler, "   ")
    assert empty.value.fields[0].field == "comment"
    with pytest.raises(ValidationFailed) as long:
        add_comment(dossier, world.handler, "x" * 2001)
    assert long.value.fields[0].code == "too_long"
    with pytest.raises(ValidationFailed):  # a file that is not what it says
        add_comment(dossier, world.handler, "", files=[Upload(filename="a.pdf", content=PNG)])
    assert not dossier.events.filter(action="comment").exists()


def test_os_proc_02_a_stale_version_and_an_outsider_are_refused(world):
    dossier = counter_dossier(world)
    version = dossier.version
    add_comment(dossier, world.handler, "Một", expected_version=version)
    with pytest.raises(Conflict) as stale:  # the same form posted twice (double click, second tab)
        add_comment(dossier, world.handler, "Một", expected_version=version)
    assert stale.value.code == "stale_version"
    outsider = get_user_model().objects.create_user("nguoi.ngoai", password=PASSWORD)
    with pytest.raises(Forbidden):
        add_comment(dossier, outsider, "Không được")
    assert dossier.events.filter(action="comment").count() == 1


def test_os_proc_02_api_comment_with_a_file(client, world):
    dossier = counter_dossier(world)
    assert client.login(username=world.intake.username, password=PASSWORD)
    body = {
        "comment": "Bổ sung ảnh chụp hồ sơ gốc.",
        "expected_version": dossier.version,
        "files": [{"filename": "anh.png", "content_base64": base64.b64encode(PNG).decode()}],
    }
    response = client.post(f"/api/v1/dossiers/{dossier.code}/comments", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == dossier.status
    events = client.get(f"/api/v1/dossiers/{dossier.code}/events").json()["items"]
    assert events[-1]["action"] == "comment" and events[-1]["reason"] == "Bổ sung ảnh chụp hồ sơ gốc."
    again = client.post(f"/api/v1/dossiers/{dossier.code}/comments", body, content_type="application/json")
    assert again.status_code == 409

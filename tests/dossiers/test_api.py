"""The dossier API through the Django test client (session login and scoped tokens)."""

from __future__ import annotations

import base64

import pytest

from motcua.core import tokens
from motcua.core.models import AuditRecord
from tests.dossiers.builders import MONDAY, PDF, PNG, UNIT_CODE, citizen, counter_dossier
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def intake_body(world, **overrides):
    body = {
        "procedure_code": world.version.procedure.procedure_code,
        "channel": "counter",
        "receiving_unit": UNIT_CODE,
        "applicant": {
            "type": "citizen",
            "name": "Trần Thị Bích Ngọc",
            "id_number": "038190001234",
            "address": "12 Lê Lợi, Thanh Hóa",
            "phone": "0912345678",
            "email": "ngoc@example.vn",
        },
        "components": [
            {"filename": "to-khai.pdf", "content_base64": _b64(PDF), "document_code": "GT01", "originals": 1},
            {"filename": "chung-sinh.png", "content_base64": _b64(PNG), "document_code": "GT02", "originals": 1},
        ],
        "accept": True,
    }
    body.update(overrides)
    return body


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_os_intake_02_post_dossier_with_session_creates_and_accepts(client, world):
    login(client, world.intake)
    response = client.post("/api/v1/dossiers", intake_body(world), content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"].startswith(f"{UNIT_CODE}-") and data["status"] == "accepted"
    assert data["national_status"] == 2 and data["due_at"] is not None
    assert "transfer" in data["allowed_actions"]
    assert [c["document_code"] for c in data["components"]] == ["GT01", "GT02"]
    assert all(len(c["sha256"]) == 64 for c in data["components"])  # GEN-02


def test_os_intake_idempotency_key_returns_the_same_dossier(client, world):
    login(client, world.intake)
    body = intake_body(world, idempotency_key="quay-1-0001")
    first = client.post("/api/v1/dossiers", body, content_type="application/json")
    again = client.post("/api/v1/dossiers", body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"]


def test_os_intake_04_missing_components_are_each_named(client, world):
    login(client, world.intake)
    response = client.post("/api/v1/dossiers", intake_body(world, components=[]), content_type="application/json")
    assert response.status_code == 422
    fields = {f["field"]: f for f in response.json()["error"]["fields"]}
    assert set(fields) == {"components.GT01", "components.GT02"}
    assert "Giấy chứng sinh" in fields["components.GT02"]["message"]


def test_gen_02_file_whose_content_is_not_its_extension_is_refused(client, world):
    login(client, world.intake)
    body = intake_body(world)
    body["components"][0]["content_base64"] = _b64(PNG)  # a PNG named to-khai.pdf
    response = client.post("/api/v1/dossiers", body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]["fields"][0]
    assert error["field"] == "components.0.file" and error["code"] == "file_content_mismatch"


def test_os_intake_10_invalid_citizen_id_is_422(client, world):
    login(client, world.intake)
    body = intake_body(world)
    body["applicant"]["id_number"] = "12345"
    response = client.post("/api/v1/dossiers", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "applicant.id_number"


def test_gen_07_intake_by_an_official_of_another_agency_is_403_and_audited(client, world):
    login(client, world.outsider)
    response = client.post("/api/v1/dossiers", intake_body(world), content_type="application/json")
    assert response.status_code == 403
    assert AuditRecord.objects.filter(action="forbidden").exists()


def test_action_by_an_official_of_another_agency_is_403_and_audited(client, world):
    dossier = counter_dossier(world)
    login(client, world.outsider)
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/actions",
        {"action": "transfer", "recipient": UNIT_CODE},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_in_agency_scope"
    assert AuditRecord.objects.filter(action="forbidden", object_id=str(dossier.pk)).exists()
    assert client.get(f"/api/v1/dossiers/{dossier.code}").status_code == 403


def test_actions_events_and_version_conflict_over_http(client, world):
    dossier = counter_dossier(world)
    login(client, world.intake)
    url = f"/api/v1/dossiers/{dossier.code}/actions"
    ok = client.post(
        url, {"action": "transfer", "recipient": UNIT_CODE, "expected_version": 2}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "in_process" and ok.json()["version"] == 3
    stale = client.post(
        url, {"action": "withdraw", "reason": "x", "expected_version": 2}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    illegal = client.post(url, {"action": "accept"}, content_type="application/json")
    assert illegal.status_code == 409 and "allowed" in illegal.json()["error"]
    missing = client.post(url, {"action": "withdraw"}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["error"]["fields"][0]["field"] == "reason"
    events = client.get(f"/api/v1/dossiers/{dossier.code}/events").json()
    assert [e["action"] for e in events["items"]] == ["submit", "accept", "transfer"] and events["count"] == 3


def test_os_late_02_second_apology_is_409_over_http(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from tests.dossiers.builders import to_processing

    now = timezone.now()  # the API acts at the real time, so the due time must still be ahead
    dossier = to_processing(world, counter_dossier(world, now=now), now=now)
    login(client, world.leader)
    url = f"/api/v1/dossiers/{dossier.code}/actions"
    body = {"action": "apologize", "reason": "Cần xác minh", "new_due_at": (now + timedelta(days=30)).isoformat()}
    assert client.post(url, body, content_type="application/json").status_code == 200
    body["new_due_at"] = (now + timedelta(days=40)).isoformat()
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "apology_already_issued"


def test_token_without_the_scope_is_403_and_with_it_works(client, world):
    counter_dossier(world)
    reader = tokens.create_token(world.intake.username, ["dossiers:read"]).plaintext
    writer = tokens.create_token(world.intake.username, ["dossiers:write"]).plaintext
    as_reader = {"Authorization": f"Bearer {reader}"}
    as_writer = {"Authorization": f"Bearer {writer}"}
    refused = client.post("/api/v1/dossiers", intake_body(world), content_type="application/json", headers=as_reader)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/dossiers", headers=as_writer).status_code == 403
    assert client.get("/api/v1/dossiers", headers=as_reader).status_code == 200
    created = client.post("/api/v1/dossiers", intake_body(world), content_type="application/json", headers=as_writer)
    assert created.status_code == 201


def test_api_requires_authentication(client, world):
    assert client.get("/api/v1/dossiers").status_code == 401


def test_list_is_scoped_filtered_and_keyset_paginated(client, world):
    codes = [counter_dossier(world, now=MONDAY.replace(hour=8 + i)).code for i in range(5)]
    login(client, world.intake)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/dossiers", query).json()
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == codes  # earliest due first, no repeats, nothing skipped
    newest = client.get("/api/v1/dossiers", {"order": "received", "limit": 1}).json()
    assert newest["items"][0]["code"] == codes[-1]
    assert client.get("/api/v1/dossiers", {"status": "in_process"}).json()["items"] == []
    assert client.get("/api/v1/dossiers", {"cursor": "rubbish"}).status_code == 422
    client.logout()
    login(client, world.outsider)
    assert client.get("/api/v1/dossiers").json()["items"] == []


def test_list_overdue_filter(client, world):
    from django.utils import timezone

    dossier = counter_dossier(world)  # accepted in July 2025: long past its due time
    counter_dossier(world, now=timezone.now())  # due in the future
    login(client, world.intake)
    overdue = client.get("/api/v1/dossiers", {"overdue": "true"}).json()["items"]
    assert [item["code"] for item in overdue] == [dossier.code]


def test_ptl_track_01_public_lookup_has_no_personal_data(client, world):
    dossier = counter_dossier(world, applicant=citizen())
    response = client.get(f"/api/v1/public/dossiers/{dossier.code}")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"code", "procedure_name", "status", "status_label", "national_status", "received_at", "due_at"}
    text = response.content.decode()
    for secret in ("Trần Thị Bích Ngọc", "038190001234", "Lê Lợi", "0912345678", "ngoc@example.vn"):
        assert secret not in text
    assert client.get("/api/v1/public/dossiers/000.00.01.H56-250714-9999").status_code == 404

"""The demo province's officials take a counter dossier through its pinned internal process from the
workspace alone (issue 4, "Done when"): reception, forwarding, every process step offered by the
page, the result, and its return at the counter. No API, no admin, no service called directly."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from motcua.demo.seed import seed_demo
from motcua.dossiers.models import Dossier
from tests.dossiers.builders import PDF

pytestmark = pytest.mark.django_db(transaction=False)
PASSWORD = "demo-password-for-tests"
UNIT = "000.00.41.H52"  # Ủy ban nhân dân phường Tô Hiệu
OFFICIALS = ("cv.tohieu", "cv2.tohieu", "tp.tohieu", "ld.tohieu", "vt.tohieu", "mc.tohieu")


class Desk:
    def __init__(self):
        self.clients: dict[str, Client] = {}

    def __call__(self, username: str) -> Client:
        if username not in self.clients:
            client = Client()
            response = client.post("/can-bo/dang-nhap/", {"username": username, "password": PASSWORD})
            assert response.status_code == 302
            self.clients[username] = client
        return self.clients[username]


def _offers(html: str) -> dict[str, list[str]]:
    """Action -> the process transitions its form offers (empty list when it has no such menu)."""
    offers = {}
    for form in html.split('name="action" value="')[1:]:
        action = form.split('"', 1)[0]
        menu = re.search(r'name="transition"[^>]*>(.*?)</select>', form[: form.find("</form>")], re.S)
        offers[action] = re.findall(r'value="([^"]+)"', menu.group(1)) if menu else []
    return offers


def _act(desk, username, dossier, action, **fields):
    dossier.refresh_from_db()
    data = {"action": action, "expected_version": dossier.version, **fields}
    response = desk(username).post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    dossier.refresh_from_db()


def _next_move(desk, dossier):
    """The first process step any official of the unit is offered now, else the result, else None."""
    pages = {u: desk(u).get(f"/can-bo/ho-so/{dossier.code}/").content.decode() for u in OFFICIALS}
    for username, html in pages.items():
        for action, transitions in _offers(html).items():
            if action == "complete_step" and transitions:
                return username, action, {"transition": transitions[0], "comment": "Đồng ý"}
    for username, html in pages.items():
        if "resolve" in _offers(html):
            return username, "resolve", {"result_kind": "approval"}
    return None


def test_demo_officials_walk_a_counter_dossier_through_its_process_in_the_workspace(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo(password=PASSWORD, log=lambda _: None)
    desk = Desk()
    reception = desk("mc.tohieu").get("/can-bo/tiep-nhan/").content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', reception).group(1)
    checklist = desk("mc.tohieu").get("/can-bo/tiep-nhan/giay-to/", {"procedure": "1.001193"}).content.decode()
    count = len(re.findall(r'name="file_(\d+)"', checklist))
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {
        "key": key,
        "unit": UNIT,
        "procedure": "1.001193",
        "applicant_type": "citizen",
        "applicant_name": "Lò Văn An",
        "applicant_id_number": "014090001111",
        "outcome": "accept",
    }
    for index in range(count):
        form[f"originals_{index}"] = "1"
        form[f"file_{index}"] = SimpleUploadedFile(f"giay-to-{index}.pdf", PDF, content_type="application/pdf")
    assert desk("mc.tohieu").post("/can-bo/tiep-nhan/", form).status_code == 302
    dossier = Dossier.objects.get(idempotency_key=key)
    assert dossier.status == "accepted" and dossier.current_step

    _act(desk, "mc.tohieu", dossier, "transfer", recipient=UNIT)
    assert dossier.status == "in_process"
    steps = []
    for _ in range(12):
        move = _next_move(desk, dossier)
        assert move is not None, f"nobody can move the dossier at step {dossier.current_step}"
        username, action, fields = move
        _act(desk, username, dossier, action, **fields)
        steps.append((username, action, dossier.current_step))
        if dossier.status == "resolved":
            break
    assert dossier.status == "resolved", steps
    assert not any("resolved_before_final_step" in str(e.payload) for e in dossier.events.all()), steps
    _act(
        desk,
        "mc.tohieu",
        dossier,
        "return_result",
        return_method="counter",
        collector="Lò Văn An",
        collector_id_number="014090001111",
        identity_checked="1",
    )
    assert dossier.status == "returned"

"""Reports API: the periodic report with drill-down and the QĐ 766 index, scoped to what the caller
may see (RPT-PER-02/03, RPT-766-02/04)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.services import perform_action
from tests.dossiers.builders import OTHER_CODE, UNIT_CODE, at, counter_dossier, to_processing

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/procedure-results"


@pytest.fixture
def history(world):
    on_time = to_processing(world, counter_dossier(world))
    perform_action(on_time, "resolve", world.leader, {"result_kind": "approval"}, now=at(15, 10))
    supplemented = to_processing(world, counter_dossier(world, now=at(15)), now=at(15))
    items = {"items": ["Tờ khai"], "reason": "Thiếu chữ ký"}
    perform_action(supplemented, "request_supplement", world.handler, items, now=at(15, 14))
    perform_action(supplemented, "resupply", world.intake, {"items": ["Tờ khai"]}, now=at(15, 16))
    again = {**items, "override_reason": "Lần 2"}
    perform_action(supplemented, "request_supplement", world.handler, again, now=at(16, 9))
    return on_time, supplemented


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_rpt_per_api_report_and_cell_drill_down(world, history):
    client = _client(world.leader)
    body = client.get(URL, {"from": "2025-07-01", "to": "2025-07-31", "group_by": "agency"}).json()
    assert [row["code"] for row in body["rows"]] == [UNIT_CODE]
    figures = body["total"]["figures"]
    assert (figures["received"], figures["new_counter"], figures["resolved"], figures["early"]) == (2, 2, 1, 1)
    assert (figures["in_progress"], figures["supplement_waiting"], figures["not_due"]) == (1, 1, 1)
    assert "A = D + E + F" in body["identities"] and body["columns"][0]["code"] == "A"
    cell = client.get(URL + "/cells", {"from": "2025-07-01", "to": "2025-07-31", "column": "supplement_waiting"})
    assert cell.status_code == 200 and [item["code"] for item in cell.json()["items"]] == [history[1].code]


def test_rpt_per_api_scope_and_validation(world, history):
    client = _client(world.leader)
    refused = client.get(URL, {"from": "2025-07-01", "to": "2025-07-31", "agency": OTHER_CODE})
    assert refused.status_code == 403
    backwards = client.get(URL, {"from": "2025-07-31", "to": "2025-07-01"})
    assert backwards.status_code == 422 and backwards.json()["error"]["fields"][0]["field"] == "to"
    assert client.get(URL, {"from": "2025-07-01", "to": "2025-07-31", "group_by": "x"}).status_code == 422
    # The other agency's official sees none of the unit's dossiers.
    other = _client(world.outsider).get(URL, {"from": "2025-07-01", "to": "2025-07-31"}).json()
    assert other["rows"] == [] and other["total"]["figures"]["received"] == 0
    assert Client().get(URL, {"from": "2025-07-01", "to": "2025-07-31"}).status_code == 401


def test_rpt_766_04_api_index_counts_two_supplement_requests_as_late(world, history):
    on_time, supplemented = history
    perform_action(supplemented, "resupply", world.intake, {"items": ["Tờ khai"]}, now=at(17, 9))
    perform_action(supplemented, "resolve", world.leader, {"result_kind": "approval"}, now=at(17, 10))
    body = _client(world.leader).get("/api/v1/reports/index-766", {"month": "2025-07"}).json()
    progress = next(i for i in body["indicators"] if i["code"] == "2.1")
    assert progress["inputs"] == {"finished": 2, "finished_on_time": 1, "in_progress": 0, "in_progress_not_due": 0}
    assert progress["rate"] == 50.0 and progress["points"] == round(progress["max_points"] * 0.5, 2)
    assert body["points"] <= body["max_points"]
    assert _client(world.leader).get("/api/v1/reports/index-766", {"month": "2025-13"}).status_code == 422

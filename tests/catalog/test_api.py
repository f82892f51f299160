"""OS-CAT-01 / OS-CAT-05: public read API at /api/v1/procedures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.catalog import services
from tests.catalog.conftest import DATA
from tests.catalog.factories import published

pytestmark = pytest.mark.django_db
URL = "/api/v1/procedures"


@pytest.fixture
def imported(example_agencies):
    services.import_procedures(DATA / "procedures.json", publish=True)


def test_os_cat_01_list_is_paginated_and_searchable(api_client, imported):
    assert reverse("api-v1:procedure_list") == URL
    body = api_client.get(URL, {"q": "dang ky khai sinh"}).json()
    assert body["count"] == 1 and body["limit"] == 50 and body["offset"] == 0
    item = body["items"][0]
    assert item["procedure_code"] == "1.001193" and item["name"] == "Đăng ký khai sinh"
    assert item["sector"] == {"code": "H56-HT", "field_code": "HT", "name": "Hộ tịch"}
    assert item["time_limit"] == {
        "value": 0.5,
        "unit": "working_days",
        "description": item["time_limit"]["description"],
    }
    assert item["agencies"] == [{"code": "000.01.20.H56", "name": "Ủy ban nhân dân phường Hạc Thành"}]
    assert item["service_mode"] == "online_full" and item["levels"] == ["commune"]


def test_os_cat_01_list_pagination_and_filters(api_client, imported):
    page = api_client.get(URL, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1 and page["offset"] == 2
    by_agency = api_client.get(URL, {"agency": "000.00.12.H56"}).json()
    assert [i["procedure_code"] for i in by_agency["items"]] == ["2.000488"]
    by_level = api_client.get(URL, {"level": "commune"}).json()
    assert by_level["count"] == 2


@pytest.mark.parametrize("params", [{"limit": 201}, {"limit": 0}, {"offset": -1}, {"level": "village"}])
def test_os_cat_01_list_rejects_bad_parameters_with_422(api_client, params):
    response = api_client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_os_cat_01_detail_has_everything_a_citizen_needs(api_client, imported):
    response = api_client.get(f"{URL}/2.000488")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1 and body["status"] == "published"
    assert body["channels"] == ["counter", "online"] and body["service_mode"] == "online_partial"
    assert body["time_limit"]["value"] == 10.0
    assert {(f["channel"], f["amount"], f["kind"]) for f in body["fees"]} == {
        ("counter", 200000, "fee"),
        ("online", 100000, "fee"),
    }
    assert [d["code"] for d in body["documents"]] == ["GT01", "GT02"]
    assert body["documents"][1]["copies"] == 1
    assert body["legal_bases"] == [
        {"number": "28/2009/QH12", "title": "Luật Lý lịch tư pháp", "issued_on": "2009-06-17", "issuer": "Quốc hội"}
    ]
    assert body["results"] == [{"code": "KQ01", "name": "Phiếu lý lịch tư pháp"}]
    assert body["agencies"] == [{"code": "000.00.12.H56", "name": "Sở Tư pháp tỉnh Thanh Hóa"}]
    assert body["publication_decision"] == "2001/QĐ-UBND"


def test_os_cat_01_unknown_procedure_is_404(api_client):
    for path in (f"{URL}/9.999999", f"{URL}/9.999999/versions"):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_procedure"


def test_os_cat_05_detail_of_a_chosen_version_and_version_list(api_client):
    first = published(valid_from=dt.date(2024, 1, 1), name="Đăng ký khai sinh")
    clone = services.new_version(first)
    clone.valid_from = dt.date(2025, 1, 1)
    clone.name = "Đăng ký khai sinh (mới)"
    clone.save()
    services.publish(clone)
    services.new_version(clone)  # a draft: not public
    code = first.procedure.procedure_code
    assert api_client.get(f"{URL}/{code}").json()["name"] == "Đăng ký khai sinh (mới)"
    old = api_client.get(f"{URL}/{code}", {"version": 1}).json()
    assert (old["version"], old["status"], old["valid_to"]) == (1, "retired", "2025-01-01")
    missing = api_client.get(f"{URL}/{code}", {"version": 3})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_version"
    versions = api_client.get(f"{URL}/{code}/versions").json()
    assert [(v["version"], v["status"]) for v in versions] == [(2, "published"), (1, "retired")]


def test_os_cat_05_procedure_without_version_in_force_is_404(api_client):
    draft_only = services.new_version(published(valid_from=dt.date(2999, 1, 1)))
    response = api_client.get(f"{URL}/{draft_only.procedure.procedure_code}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "procedure_not_in_force"


def test_os_cat_01_query_count_does_not_grow_with_results(api_client, imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        api_client.get(URL)
    with django_assert_max_num_queries(10):
        api_client.get(f"{URL}/1.001193")


def test_openapi_documents_the_catalogue(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"procedure_list", "procedure_detail", "procedure_versions"} <= operations
    assert "ProcedureDetailOut" in schema["components"]["schemas"]

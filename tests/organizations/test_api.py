"""ORG-05 / ORG-06 / GEN-06: the public agencies API (list, search, detail by old code, units)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.organizations.models import AdminUnitKind
from motcua.organizations.services import change_agency_code

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    son_la = factories.province()
    ward = factories.commune(son_la)
    province = factories.agency(admin_unit=son_la)
    office = factories.agency(
        code="000.00.01.H52", name="Văn phòng Ủy ban nhân dân tỉnh Sơn La", parent=province, short_name="VP"
    )
    justice = factories.agency(code="000.00.12.H52", name="Sở Tư pháp tỉnh Sơn La", parent=province, short_name="STP")
    commune_pc = factories.agency(
        code="000.00.00.H03", name="Ủy ban nhân dân phường Tô Hiệu", level="commune", admin_unit=ward
    )
    factories.department(office, code="MC", name="Bộ phận Một cửa")
    return {"province": province, "office": office, "justice": justice, "commune": commune_pc, "ward": ward}


def _get(client, url, **params):
    response = client.get(url, params)
    return response.status_code, response.json()


def test_org_05_agency_list_is_paginated(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies", limit=2)
    assert status == 200 and body["count"] == 4 and body["limit"] == 2 and body["offset"] == 0
    assert [a["code"] for a in body["items"]] == ["000.00.00.H03", "000.00.00.H52"]
    status, body = _get(api_client, reverse("api-v1:agency_list"), limit=2, offset=2)
    assert [a["code"] for a in body["items"]] == ["000.00.01.H52", "000.00.12.H52"]
    assert body["items"][0]["parent"] == "000.00.00.H52" and body["items"][0]["code_is_canonical"] is True


def test_gen_06_agency_search_ignores_accents(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies", q="uy ban nhan dan son la")
    assert status == 200
    assert [a["name"] for a in body["items"]] == [
        "Ủy ban nhân dân tỉnh Sơn La",
        "Văn phòng Ủy ban nhân dân tỉnh Sơn La",
    ]
    status, body = _get(api_client, "/api/v1/agencies", q="uỷ ban nhan dan tinh son la", kind="peoples_committee")
    assert [a["code"] for a in body["items"]] == ["000.00.00.H52"]
    status, body = _get(api_client, "/api/v1/agencies", q="SỞ TƯ PHÁP")
    assert [a["code"] for a in body["items"]] == ["000.00.12.H52"]
    status, body = _get(api_client, "/api/v1/agencies", q="000.00.01")
    assert [a["code"] for a in body["items"]] == ["000.00.01.H52"]
    status, body = _get(api_client, "/api/v1/agencies", q="to hieu", level="commune")
    assert body["count"] == 1 and body["items"][0]["admin_unit"] == "03646"


def test_org_05_agency_list_filters_by_parent_level_kind(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies", parent="000.00.00.H52")
    assert {a["code"] for a in body["items"]} == {"000.00.01.H52", "000.00.12.H52"}
    status, body = _get(api_client, "/api/v1/agencies", kind="peoples_committee", level="province")
    assert [a["code"] for a in body["items"]] == ["000.00.00.H52"]


def test_org_05_agency_list_bad_parameters_are_422(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies", limit=201)
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert body["error"]["fields"][0]["field"] == "limit"
    status, body = _get(api_client, "/api/v1/agencies", level="huyen", offset=-1)
    assert status == 422 and {f["field"] for f in body["error"]["fields"]} == {"level", "offset"}
    status, body = _get(api_client, "/api/v1/agencies", parent="000.00.99.H99")
    assert status == 422 and body["error"]["fields"][0]["code"] == "unknown_agency"
    status, body = _get(api_client, "/api/v1/agencies", limit="many")
    assert status == 422 and "error" in body


def test_org_06_agency_detail_by_current_and_previous_code(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies/000.00.01.H52")
    assert status == 200 and body["name"] == "Văn phòng Ủy ban nhân dân tỉnh Sơn La"
    assert body["parent"] == "000.00.00.H52"
    assert body["departments"] == [{"code": "MC", "name": "Bộ phận Một cửa", "parent": None, "is_one_stop_unit": False}]
    change_agency_code(tree["office"], "000.00.02.H52")
    status, body = _get(api_client, reverse("api-v1:agency_detail", kwargs={"code": "000.00.01.H52"}))
    assert status == 200 and body["code"] == "000.00.02.H52" and body["requested_code"] == "000.00.01.H52"
    assert body["previous_codes"] == ["000.00.01.H52"]
    status, body = _get(api_client, "/api/v1/agencies/000.00.00.H03")
    assert body["admin_unit"] == "03646" and body["admin_unit_detail"]["parent"] == "14"


def test_org_06_agency_detail_unknown_is_404(api_client, tree):
    status, body = _get(api_client, "/api/v1/agencies/000.00.99.H99")
    assert status == 404 and body["error"]["code"] == "unknown_agency" and "000.00.99.H99" in body["error"]["message"]


def test_org_02_admin_unit_list(api_client, tree):
    factories.commune(tree["ward"].parent, code="03647", name="Xã Chiềng Ngần", kind=AdminUnitKind.COMMUNE)
    status, body = _get(api_client, "/api/v1/agencies/admin-units", parent="14")
    assert status == 200 and body["count"] == 2 and [u["code"] for u in body["items"]] == ["03646", "03647"]
    status, body = _get(api_client, reverse("api-v1:admin_unit_list"), q="chieng ngan")
    assert [u["name"] for u in body["items"]] == ["Xã Chiềng Ngần"]
    status, body = _get(api_client, "/api/v1/agencies/admin-units", kind="province")
    assert [(u["code"], u["parent"], u["tier_model"]) for u in body["items"]] == [("14", None, "two_tier_2025")]
    status, body = _get(api_client, "/api/v1/agencies/admin-units", limit=1, offset=1)
    assert body["count"] == 3 and len(body["items"]) == 1
    status, body = _get(api_client, "/api/v1/agencies/admin-units", kind="huyen")
    assert status == 422


def test_org_05_agency_list_query_count_is_bounded(api_client, tree, django_assert_max_num_queries):
    for i in range(20, 40):
        factories.agency(code=f"000.00.{i}.H52", name=f"Sở {i}", parent=tree["province"], admin_unit=tree["ward"])
    with django_assert_max_num_queries(4):
        status, body = _get(api_client, "/api/v1/agencies", limit=50)
    assert body["count"] == 24

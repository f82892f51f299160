"""ORG-05 / ORG-08: the agencies-and-officials document loads all or nothing, idempotently."""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditRecord
from motcua.organizations.models import Agency, Department, Official, Role, RoleAssignment
from motcua.organizations.services import load_agencies, resolve_agency, roles_of

from . import factories

pytestmark = pytest.mark.django_db
PASSWORD = factories.PASSWORD


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def units():
    son_la = factories.province()
    return son_la, factories.commune(son_la)


def _document():
    # Children listed before parents on purpose: the loader must not rely on order.
    return {
        "agencies": [
            {
                "code": "000.00.01.H52", "name": "Văn phòng Ủy ban nhân dân tỉnh Sơn La", "short_name": "VP",
                "kind": "office", "level": "province", "parent": "000.00.00.H52", "admin_unit": "14",
                "is_one_stop_unit": True, "email": "vp@sonla.gov.vn", "phone": "", "address": "",
                "departments": [
                    {"code": "MC-1", "name": "Quầy 1", "parent": "MC", "is_one_stop_unit": True},
                    {"code": "MC", "name": "Bộ phận Một cửa", "parent": None, "is_one_stop_unit": True},
                ],
            },
            {
                "code": "000.00.00.H52", "name": "Ủy ban nhân dân tỉnh Sơn La", "short_name": "UBND",
                "kind": "peoples_committee", "level": "province", "parent": None, "admin_unit": "14",
                "is_one_stop_unit": False, "email": "", "phone": "", "address": "", "departments": [],
            },
            {
                "code": "000.00.00.H03", "name": "Ủy ban nhân dân phường Tô Hiệu", "short_name": "UBND",
                "kind": "peoples_committee", "level": "commune", "parent": None, "admin_unit": "03646",
                "is_one_stop_unit": True, "email": "", "phone": "", "address": "",
                "departments": [{"code": "VP", "name": "Văn phòng", "parent": None, "is_one_stop_unit": False}],
            },
        ],
        "officials": [
            {
                "username": "motcua.mc", "full_name": "Lò Thị Mai", "title": "Công chức một cửa",
                "agency": "000.00.01.H52", "department": "MC", "email": "mai@sonla.gov.vn", "phone": "",
                "roles": [
                    {"role": "intake_officer", "agency": "000.00.01.H52", "department": "MC"},
                    {"role": "handler", "agency": "000.00.00.H03", "department": None},
                ],
            },
            {
                "username": "motcua.ld", "full_name": "Cầm Văn Hùng", "title": "Chánh Văn phòng",
                "agency": "000.00.01.H52", "department": None, "email": "", "phone": "",
                "roles": [{"role": "agency_leader", "agency": "000.00.01.H52", "department": None}],
            },
        ],
    }  # fmt: skip


def test_org_05_load_agencies_creates_everything(units):
    result = load_agencies(_document(), password=PASSWORD)
    assert result.created == {"agencies": 3, "departments": 3, "users": 2, "officials": 2, "role_assignments": 3}
    office = Agency.objects.get(code="000.00.01.H52")
    assert office.parent.code == "000.00.00.H52" and office.admin_unit == units[0] and office.is_one_stop_unit
    assert Agency.objects.get(code="000.00.00.H03").admin_unit == units[1]
    assert Department.objects.get(agency=office, code="MC-1").parent.code == "MC"
    user = get_user_model().objects.get(username="motcua.mc")
    assert user.check_password(PASSWORD) and user.email == "mai@sonla.gov.vn"
    assert user.official.department.code == "MC"
    assert roles_of(user) == [(Role.HANDLER, "000.00.00.H03", None), (Role.INTAKE_OFFICER, "000.00.01.H52", "MC")]
    assert AuditRecord.objects.filter(object_type="organizations.agency", action="create").count() == 3


def test_org_05_load_agencies_twice_changes_nothing_and_keeps_passwords(units):
    load_agencies(_document(), password=PASSWORD)
    user = get_user_model().objects.get(username="motcua.mc")
    user.set_password("mot-mat-khau-khac-2025")
    user.save()
    audit_count = AuditRecord.objects.count()
    result = load_agencies(_document(), password=PASSWORD)
    assert result.created == {} and result.updated == {}
    assert AuditRecord.objects.count() == audit_count
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-khac-2025")
    assert (Agency.objects.count(), Department.objects.count(), Official.objects.count()) == (3, 3, 2)
    assert RoleAssignment.objects.count() == 3


def test_org_05_load_agencies_updates_changed_values(units):
    load_agencies(_document(), password=PASSWORD)
    document = _document()
    document["agencies"][1]["name"] = "UBND tỉnh Sơn La"
    result = load_agencies(document, password=PASSWORD)
    assert result.updated == {"agencies": 1}
    assert Agency.objects.get(code="000.00.00.H52").name == "UBND tỉnh Sơn La"


def test_org_05_load_agencies_is_all_or_nothing_with_paths(units):
    document = _document()
    document["agencies"][2]["code"] = "01.02.G22"
    document["agencies"][0]["admin_unit"] = "99"
    document["agencies"][0]["departments"][0]["parent"] = "KHONG-CO"
    document["agencies"][1]["kind"] = "ministry"
    document["officials"][0]["agency"] = "000.00.77.H52"
    document["officials"][1]["roles"][0]["role"] = "boss"
    document["officials"][1]["email"] = "not-an-email"
    with pytest.raises(ValidationFailed) as caught:
        load_agencies(document, password=PASSWORD)
    errors = {(f.field, f.code) for f in caught.value.fields}
    assert ("agencies[2].code", "not_canonical") in errors
    assert ("agencies[0].admin_unit", "unknown_admin_unit") in errors
    assert ("agencies[0].departments[0].parent", "unknown_department") in errors
    assert ("agencies[1].kind", "invalid_choice") in errors
    assert ("officials[0].agency", "unknown_agency") in errors
    assert ("officials[1].roles[0].role", "invalid_choice") in errors
    assert ("officials[1].email", "invalid_email") in errors
    assert next(f for f in caught.value.fields if f.field == "agencies[2].code").row == 2
    assert caught.value.status == 422 and "chưa ghi gì" in str(caught.value.message)
    assert not Agency.objects.exists() and not get_user_model().objects.exists()


def test_org_05_load_agencies_refuses_depth_over_four_and_cycles(units):
    document = {"agencies": [], "officials": []}
    codes = ["000.00.00.H52", "000.00.01.H52", "000.01.01.H52", "001.01.01.H52", "002.01.01.H52"]
    for i, code in enumerate(codes):
        parent = codes[i - 1] if i else None
        document["agencies"].append(
            {"code": code, "name": f"Cấp {i + 1}", "kind": "unit", "level": "province", "parent": parent}
        )
    with pytest.raises(ValidationFailed) as caught:
        load_agencies(document)
    assert [(f.field, f.code) for f in caught.value.fields] == [("agencies[4].parent", "too_deep")]

    cyclic = copy.deepcopy(document)
    cyclic["agencies"] = cyclic["agencies"][:3]
    cyclic["agencies"][0]["parent"] = codes[2]
    with pytest.raises(ValidationFailed) as caught:
        load_agencies(cyclic)
    assert {f.code for f in caught.value.fields} == {"cycle"}
    assert not Agency.objects.exists()


def test_org_06_load_agencies_duplicate_and_alias_codes(units):
    existing = factories.agency(code="000.00.09.H52", name="Sở cũ")
    existing.code, existing.previous_codes = "000.00.19.H52", ["000.00.09.H52"]
    existing.save()
    document = _document()
    document["agencies"][2]["code"] = "000.00.00.H52"
    document["agencies"].append({"code": "000.00.09.H52", "name": "Dùng lại mã cũ", "kind": "department"})
    with pytest.raises(ValidationFailed) as caught:
        load_agencies(document)
    errors = {(f.field, f.code) for f in caught.value.fields}
    assert ("agencies[2].code", "duplicate") in errors and ("agencies[3].code", "code_is_alias") in errors


def test_org_06_references_by_previous_code_resolve_to_the_current_agency(units):
    province = factories.agency(code="000.00.00.H14", name="UBND tỉnh Sơn La", previous_codes=["000.00.00.H52"])
    document = _document()
    document["agencies"] = [document["agencies"][0]]  # its parent is given by the old code
    document["officials"] = [document["officials"][1]]
    load_agencies(document, password=PASSWORD)
    assert Agency.objects.get(code="000.00.01.H52").parent == province == resolve_agency("000.00.00.H52")


def test_org_07_load_agencies_accepts_flagged_partner_codes(units):
    document = {
        "agencies": [
            {
                "code": "vxp.saas.02",
                "name": "Hệ thống đối tác",
                "kind": "other",
                "level": "central",
                "is_external": True,
            }
        ]
    }
    load_agencies(document)
    assert Agency.objects.get(code="vxp.saas.02").code_is_canonical is False


def test_org_05_load_agencies_rejects_wrong_shapes():
    with pytest.raises(ValidationFailed) as caught:
        load_agencies({"agencies": {"code": "x"}, "officials": ["a"]})
    assert {(f.field, f.code) for f in caught.value.fields} == {("agencies", "invalid"), ("officials[0]", "invalid")}

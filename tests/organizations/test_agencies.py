"""ORG-05 / ORG-06 / ORG-07: identifiers, aliases after a change, the tree rules, roles, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.models import AuditRecord
from motcua.organizations.models import Agency, AgencyIdentifier, Role, RoleAssignment
from motcua.organizations.services import (
    agency_depth,
    assign_role,
    change_agency_code,
    has_role,
    resolve_agency,
    roles_of,
    save_agency,
)

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _fields(exc):
    return {f.field: f for f in exc.value.fields}


@pytest.mark.parametrize("code", ["01.02.G22", "28.22.H17", "001.00.20.TT2", "vxp.saas.02"])
def test_org_07_noncanonical_code_of_own_agency_is_rejected_with_vietnamese_message(code):
    with pytest.raises(ValidationFailed) as caught:
        save_agency(Agency(code=code, name="Sở Tư pháp"))
    error = _fields(caught)["code"]
    assert error.code == "not_canonical"
    assert code in str(error.message) and "cơ quan ngoài hệ thống" in str(error.message)
    assert not Agency.objects.exists()


@pytest.mark.parametrize("code", ["01.02.G22", "28.22.H17", "001.00.20.TT2", "vxp.saas.02"])
def test_org_07_noncanonical_partner_code_is_flagged_not_rejected(code):
    partner = save_agency(Agency(code=code, name="Cơ quan đối tác", is_external=True))
    partner.refresh_from_db()
    assert partner.code == code and partner.code_is_canonical is False
    assert resolve_agency(code) == partner


@pytest.mark.parametrize("code", ["", "null", "  "])
def test_org_07_blank_code_is_refused_even_for_partners(code):
    with pytest.raises(ValidationFailed) as caught:
        save_agency(Agency(code=code, name="Không mã", is_external=True))
    assert _fields(caught)["code"].code == "required"


def test_org_07_model_clean_gives_admin_the_same_message():
    with pytest.raises(ValidationError) as caught:
        Agency(code="01.02.G22", name="Sở").full_clean()
    assert "3 phần" in " ".join(caught.value.message_dict["code"])


def test_org_06_old_code_resolves_after_change_and_is_kept_as_alias():
    province = factories.agency()
    moved = factories.agency(code="000.00.12.H52", name="Sở Tư pháp", parent=province)
    moved = change_agency_code(moved, "000.00.15.H52")
    assert moved.code == "000.00.15.H52" and moved.previous_codes == ["000.00.12.H52"]
    assert resolve_agency("000.00.12.H52") == moved
    assert resolve_agency(" 000.00.15.H52 ") == moved
    moved = change_agency_code(moved, "000.00.16.H52")
    assert moved.previous_codes == ["000.00.12.H52", "000.00.15.H52"]
    assert resolve_agency("000.00.12.H52") == resolve_agency("000.00.15.H52") == moved
    moved = change_agency_code(moved, "000.00.12.H52")  # getting an old code back removes the alias
    assert moved.previous_codes == ["000.00.15.H52", "000.00.16.H52"]
    assert set(AgencyIdentifier.objects.filter(agency=moved).values_list("code", "is_current")) == {
        ("000.00.12.H52", True),
        ("000.00.15.H52", False),
        ("000.00.16.H52", False),
    }


def test_org_06_unknown_code_raises_not_found():
    with pytest.raises(NotFound) as caught:
        resolve_agency("000.00.99.H99")
    assert caught.value.code == "unknown_agency" and caught.value.status == 404


def test_org_06_codes_are_unique_across_current_and_previous_codes():
    first = factories.agency()
    second = factories.agency(code="000.00.01.H52", name="Văn phòng", parent=first)
    change_agency_code(second, "000.00.02.H52")
    with pytest.raises(ValidationFailed) as caught:
        save_agency(Agency(code="000.00.01.H52", name="Cơ quan mới"))
    assert _fields(caught)["code"].code == "code_taken" and "mã cũ" in str(_fields(caught)["code"].message)
    with pytest.raises(ValidationFailed) as caught:
        change_agency_code(first, "000.00.02.H52")
    assert "đã được dùng" in str(_fields(caught)["code"].message)
    # The database refuses it too, whatever path the write takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(code="000.00.09.H52", name="X", previous_codes=["000.00.01.H52"])


def test_org_05_tree_depth_is_at_most_four():
    nodes = factories.chain(4)
    assert [agency_depth(n) for n in nodes] == [1, 2, 3, 4]
    with pytest.raises(ValidationFailed) as caught:
        save_agency(Agency(code="009.01.01.H52", name="Cấp năm", parent=nodes[3]))
    assert _fields(caught)["parent"].code == "too_deep"


def test_org_05_moving_a_subtree_counts_its_own_depth():
    nodes = factories.chain(3)
    other = factories.chain(2, level1="H53")
    nodes[0].parent = other[1]  # 2 levels above + 3 levels of subtree = 5
    with pytest.raises(ValidationFailed) as caught:
        save_agency(nodes[0])
    assert _fields(caught)["parent"].code == "too_deep"


def test_org_05_cycles_are_refused():
    root, child, grandchild = factories.chain(3)
    root.parent = grandchild
    with pytest.raises(ValidationFailed) as caught:
        save_agency(root)
    assert _fields(caught)["parent"].code == "cycle"
    root.parent = root
    with pytest.raises(ValidationFailed):
        save_agency(root)


def test_gen_03_agency_writes_are_audited():
    agency = save_agency(Agency(code="000.00.00.H52", name="Ủy ban nhân dân tỉnh Sơn La"))
    change_agency_code(agency, "000.00.00.H14")
    records = AuditRecord.objects.filter(object_type="organizations.agency", object_id=str(agency.pk)).order_by("seq")
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].before["code"] == "000.00.00.H52" and records[1].after["code"] == "000.00.00.H14"
    assert records[1].after["previous_codes"] == ["000.00.00.H52"]


def test_gen_06_names_are_nfc_and_folded():
    decomposed = "U\u0309y ban nha\u0302n da\u0302n ti\u0309nh Sơn La"
    agency = factories.agency(name=decomposed)
    assert agency.name == "Ủy ban nhân dân tỉnh Sơn La" and agency.name_folded == "uy ban nhan dan tinh son la"


def test_org_08_roles_of_and_has_role():
    province = factories.agency()
    office = factories.agency(code="000.00.01.H52", name="Văn phòng UBND tỉnh", parent=province)
    desk = factories.department(office, code="MC", name="Bộ phận một cửa")
    person = factories.official(owner=office, department=desk, roles=[Role.INTAKE_OFFICER])
    RoleAssignment.objects.create(official=person, role=Role.PROVINCIAL_ADMIN, agency=province)
    expired = RoleAssignment.objects.create(
        official=person, role=Role.AGENCY_LEADER, agency=office, valid_to=timezone.localdate() - timedelta(days=1)
    )
    user = person.user
    assert roles_of(user) == [
        (Role.PROVINCIAL_ADMIN, "000.00.00.H52", None),
        (Role.INTAKE_OFFICER, "000.00.01.H52", "MC"),
    ]
    assert has_role(user, Role.INTAKE_OFFICER, office)
    assert has_role(user, Role.INTAKE_OFFICER, "000.00.01.H52")
    assert not has_role(user, Role.INTAKE_OFFICER, province)
    assert has_role(user, Role.PROVINCIAL_ADMIN, office)  # covers agencies below
    assert not has_role(user, expired.role, office)
    assert not has_role(user, Role.INTAKE_OFFICER, "000.00.99.H99")
    assert roles_of(AnonymousUser()) == [] and not has_role(AnonymousUser(), Role.INTAKE_OFFICER, office)
    person.is_active = False
    person.save()
    assert roles_of(user) == []


def test_org_08_role_assignment_needs_active_agency_and_its_own_department():
    province = factories.agency()
    other = factories.agency(code="000.00.01.H52", name="Văn phòng", parent=province)
    person = factories.official(owner=province)
    closed = factories.agency(
        code="000.00.02.H52", name="Sở đã giải thể", parent=province, valid_to=timezone.localdate()
    )
    with pytest.raises(ValidationFailed) as caught:
        assign_role(RoleAssignment(official=person, role=Role.HANDLER, agency=closed))
    assert _fields(caught)["agency"].code == "agency_inactive"
    with pytest.raises(ValidationFailed) as caught:
        assign_role(
            RoleAssignment(official=person, role=Role.HANDLER, agency=province, department=factories.department(other))
        )
    assert _fields(caught)["department"].code == "department_not_in_agency"
    assert assign_role(RoleAssignment(official=person, role=Role.HANDLER, agency=province)).pk

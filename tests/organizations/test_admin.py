"""The Vietnamese admin: pages render, search ignores accents, forms validate and keep aliases."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.organizations.models import Agency, Official, Role
from motcua.organizations.services import resolve_agency

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", factories.PASSWORD)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


@pytest.fixture
def province():
    return factories.agency(admin_unit=factories.province())


def _agency_form(**overrides):
    data = {
        "code": "000.00.12.H52", "is_external": "", "name": "Sở Tư pháp", "short_name": "STP",
        "kind": "department", "level": "province", "parent": "", "admin_unit": "", "previous_codes_text": "",
        "is_one_stop_unit": "", "email": "", "phone": "", "address": "", "valid_from": "", "valid_to": "",
        "successor": "", "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0",
        "departments-MIN_NUM_FORMS": "0", "departments-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.parametrize("model", ["adminunit", "agency", "department", "official", "roleassignment"])
def test_admin_changelists_and_add_pages_render(admin_client, province, model):
    factories.official(owner=province, roles=[Role.HANDLER])
    assert admin_client.get(reverse(f"admin:organizations_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:organizations_{model}_add")).status_code == 200


def test_gen_06_admin_search_ignores_accents(admin_client, province):
    son_la = province.admin_unit
    factories.commune(son_la)
    response = admin_client.get(reverse("admin:organizations_agency_changelist"), {"q": "uy ban son la"})
    assert province in response.context["cl"].result_list
    response = admin_client.get(reverse("admin:organizations_adminunit_changelist"), {"q": "to hieu"})
    assert [u.code for u in response.context["cl"].result_list] == ["03646"]
    response = admin_client.get(reverse("admin:organizations_adminunit_changelist"), {"province": "14"})
    assert {u.code for u in response.context["cl"].result_list} == {"14", "03646"}


def test_org_07_admin_shows_vietnamese_identifier_error(admin_client, province):
    response = admin_client.post(reverse("admin:organizations_agency_add"), _agency_form(code="01.02.G22"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["code"])
    assert "01.02.G22" in errors and "3 phần" in errors
    assert not Agency.objects.filter(code="01.02.G22").exists()
    response = admin_client.post(
        reverse("admin:organizations_agency_add"), _agency_form(code="01.02.G22", is_external="on")
    )
    assert response.status_code == 302 and Agency.objects.get(code="01.02.G22").code_is_canonical is False


def test_org_06_admin_code_change_keeps_old_code_as_alias(admin_client, province):
    url = reverse("admin:organizations_agency_change", args=[province.pk])
    form = _agency_form(code="000.00.00.H14", name=province.name, kind="peoples_committee", short_name="UBND")
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    province.refresh_from_db()
    assert province.code == "000.00.00.H14" and province.previous_codes == ["000.00.00.H52"]
    assert resolve_agency("000.00.00.H52") == province


def test_org_05_admin_refuses_fifth_level(admin_client):
    nodes = factories.chain(4)
    response = admin_client.post(
        reverse("admin:organizations_agency_add"), _agency_form(code="009.01.01.H52", parent=nodes[3].pk)
    )
    assert response.status_code == 200
    assert "tối đa 4 cấp" in " ".join(response.context["adminform"].form.errors["parent"])


def test_org_08_admin_creates_official_with_account(admin_client, province):
    data = {
        "username": "canbo.moi", "email": "canbo@sonla.gov.vn", "password1": "mot-mat-khau-dai-2025",
        "password2": "mot-mat-khau-dai-2025", "full_name": "Quàng Văn Bình", "title": "Chuyên viên",
        "agency": province.pk, "department": "", "phone": "", "is_active": "on",
        "roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0", "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "handler", "roles-0-agency": province.pk, "roles-0-department": "",
        "roles-0-valid_from": "", "roles-0-valid_to": "",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:organizations_official_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    official = Official.objects.get(full_name="Quàng Văn Bình")
    assert official.user.username == "canbo.moi" and official.user.check_password("mot-mat-khau-dai-2025")
    assert list(official.roles.values_list("role", flat=True)) == ["handler"]

    data["username"], data["password2"] = "canbo.khac", "khong-khop-2025"
    response = admin_client.post(reverse("admin:organizations_official_add"), data)
    assert response.status_code == 200 and "password2" in response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="canbo.khac").exists()

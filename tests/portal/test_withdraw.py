"""The signed-in owner withdraws a dossier from the portal with a reason (OS-STOP-01), only while the
dossier state machine allows the applicant to; nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.services import get_dossier
from tests.portal.builders import file_online, make_citizen, officials_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(client, portal_world, citizen_user):
    return file_online(client, citizen_user)


def test_os_stop_01_owner_withdraws_with_a_reason(client, code):
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Xác nhận rút hồ sơ" in page
    response = client.post(f"/ho-so-cua-toi/{code}/rut-ho-so/", {"reason": "Tôi nộp nhầm thủ tục"})
    assert response.status_code == 302
    dossier = get_dossier(code)
    assert dossier.status == "withdrawn"
    event = dossier.events.order_by("-seq").first()
    assert event.action == "withdraw" and event.role == "applicant" and event.reason == "Tôi nộp nhầm thủ tục"
    assert "Xác nhận rút hồ sơ" not in client.get(f"/ho-so-cua-toi/{code}/").content.decode()


def test_os_stop_01_withdrawal_needs_a_reason(client, code):
    response = client.post(f"/ho-so-cua-toi/{code}/rut-ho-so/", {"reason": "  "})
    assert response.status_code == 422
    assert "Vui lòng nêu lý do rút hồ sơ" in response.content.decode()
    assert get_dossier(code).status == "submitted"


def test_os_stop_01_no_withdrawal_after_the_result(client, portal_world, code):
    officials_resolve(portal_world, code)
    assert "Xác nhận rút hồ sơ" not in client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    response = client.post(f"/ho-so-cua-toi/{code}/rut-ho-so/", {"reason": "Không cần nữa"})
    assert response.status_code == 409
    assert get_dossier(code).status == "resolved"


def test_os_stop_01_only_the_owner_can_withdraw(code):
    other = Client()
    other.force_login(make_citizen("khac@example.vn"))
    response = other.post(f"/ho-so-cua-toi/{code}/rut-ho-so/", {"reason": "Rút hồ sơ của người khác"})
    assert response.status_code == 404
    assert get_dossier(code).status == "submitted"
    assert Client().post(f"/ho-so-cua-toi/{code}/rut-ho-so/", {"reason": "Ẩn danh"}).status_code == 302
    assert get_dossier(code).status == "submitted"

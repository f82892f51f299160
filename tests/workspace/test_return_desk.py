"""Return desk (issue 4, item 6) starts from how the citizen asked on the portal to receive the
result (OS-RET-01, `portal.aftercare.choose_delivery`): the method and the postal address are
shown and prefilled; the official may still change them, and what they typed is kept."""

from __future__ import annotations

import re

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform_action
from motcua.portal.aftercare import choose_delivery
from tests.dossiers.builders import counter_dossier, to_processing

ADDRESS = "25 Trần Phú, phường Ba Đình, Thanh Hóa"


def _resolved(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(Dossier.objects.get(pk=dossier.pk), "resolve", world.leader, {"result_kind": "approval"})
    return Dossier.objects.get(pk=dossier.pk)


def _selected_method(body: str) -> list[str]:
    select = re.search(r'<select id="return_result-return_method".*?</select>', body, re.S)
    assert select is not None
    return re.findall(r'<option value="([a-z]+)" selected>', select.group(0))


def test_os_ret_01_postal_choice_prefills_the_method_and_address(world, sign_in):
    dossier = _resolved(world)
    choose_delivery(dossier, "postal", ADDRESS)
    body = sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert _selected_method(body) == ["post"]
    assert re.search(r'name="shipping_address"[^>]*>' + re.escape(ADDRESS) + "</textarea>", body)
    assert "Người dân đã chọn trên Cổng: Nhận qua dịch vụ bưu chính công ích." in body


def test_os_ret_01_counter_choice_is_shown_without_an_address(world, sign_in):
    dossier = _resolved(world)
    choose_delivery(dossier, "counter", "")
    body = sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert _selected_method(body) == ["counter"]
    assert "Người dân đã chọn trên Cổng: Nhận tại Bộ phận Một cửa." in body and "Địa chỉ nhận:" not in body


def test_without_a_portal_choice_nothing_is_prefilled(world, sign_in):
    dossier = _resolved(world)
    body = sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert _selected_method(body) == [] and 'id="delivery-choice"' not in body


def test_what_the_official_typed_wins_over_the_choice_after_an_error(world, sign_in):
    dossier = _resolved(world)
    choose_delivery(dossier, "postal", ADDRESS)
    client = sign_in("motcua.a")
    data = {"action": "return_result", "expected_version": dossier.version, "return_method": "counter"}
    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert _selected_method(body) == ["counter"]
    # Then the official sends it by post to the address the citizen gave: the dossier is returned.
    data.update(return_method="post", shipping_address=ADDRESS, tracking_number="EMS123")
    assert client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", data).status_code == 302
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == "returned"
    assert stored.events.order_by("-seq").first().payload["inputs"]["shipping_address"] == ADDRESS

"""Dossier page (issue 4, item 4 and "Bad input"): only the allowed actions, each calling the
dossier services; stale versions (two tabs, double clicks) never make a second transition;
field-level messages keep what was typed; files previewed inline behind the permission check."""

from __future__ import annotations

import re

from motcua.core.models import AuditRecord
from motcua.dossiers.models import Dossier, DossierEvent
from tests.dossiers.builders import PDF, counter_dossier, to_processing


def _actions(html: str) -> list[str]:
    return re.findall(r'name="action" value="([a-z_]+)"', html)


def _post(client, dossier, action, **fields):
    data = {"action": action, "expected_version": dossier.version, **fields}
    return client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", data)


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def test_only_the_actions_the_services_allow_are_offered(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    handler_actions = _actions(sign_in("chuyenvien.b").get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert "start_step" in handler_actions and "resolve" not in handler_actions and "assign" not in handler_actions
    leader_actions = _actions(sign_in("lanhdao.c").get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert {"assign", "resolve", "send_back"} <= set(leader_actions)
    intake_actions = _actions(sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert "resolve" not in intake_actions and "return_result" not in intake_actions


def test_the_page_shows_applicant_components_timeline_deadlines_forms_and_the_citizens_view(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    body = sign_in("chuyenvien.b").get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    for text in (
        "Trần Thị Bích Ngọc",
        "038190001234",
        "to-khai.pdf",
        "giay-chung-sinh.png",
        "Phân công xử lý",  # the assign event in the timeline
        "Hẹn trả kết quả",
        "Người dân thấy gì khi tra cứu",
        f"/can-bo/ho-so/{dossier.code}/mau/receipt/",
    ):
        assert text in body, text
    assert 'class="badge badge-late">Quá hạn<' in body


def test_an_action_fires_one_transition_through_the_services(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("chuyenvien.b")
    response = _post(client, dossier, "start_step", step="tham-dinh", substate="appraising", comment="Bắt đầu")
    assert response.status_code == 302
    stored = _reload(dossier)
    assert stored.substate == "appraising" and stored.version == dossier.version + 1
    assert stored.events.order_by("-seq").first().actor == world.handler


def test_a_second_submit_of_the_same_form_is_refused_with_a_clear_message(world, sign_in):
    """Two tabs / a double click: the second post carries the old version and changes nothing."""
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    before = DossierEvent.objects.filter(dossier=dossier).count()
    assert _post(client, dossier, "resolve", result_kind="approval").status_code == 302
    second = _post(client, dossier, "resolve", result_kind="approval")
    assert second.status_code == 302
    assert DossierEvent.objects.filter(dossier=dossier).count() == before + 1
    page = client.get(second["Location"]).content.decode()
    assert "Hồ sơ vừa được cập nhật (ở thẻ khác hoặc bởi người khác)" in page


def test_a_form_without_its_version_changes_nothing(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/", {"action": "resolve", "result_kind": "approval"})
    assert _reload(dossier).status == "in_process"


def test_missing_inputs_are_named_beside_their_fields_and_the_typed_text_is_kept(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    response = _post(client, dossier, "resolve", result_kind="refusal", reason="")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="resolve-reason-err">Thiếu giá trị bắt buộc.' in body
    response = _post(client, dossier, "send_back", step="tiep-nhan", substate="assigned", comment="")
    body = response.content.decode()
    assert "send_back-comment-err" in body and 'value="tiep-nhan"' in body
    assert _reload(dossier).status == "in_process"


def test_leader_sends_back_with_a_reason_and_reassigns(world, sign_in):
    from tests.dossiers.builders import make_official

    make_official("chuyenvien.e", world.unit, ["handler"])
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'value="chuyenvien.e"' in page  # handlers of the unit offered for (re)assignment
    assert _post(client, dossier, "assign", assignee="chuyenvien.e").status_code == 302
    dossier = _reload(dossier)
    assert dossier.assignee.username == "chuyenvien.e"
    response = _post(client, dossier, "send_back", step="tham-dinh", substate="appraising", comment="Xem lại giấy tờ")
    assert response.status_code == 302
    assert _reload(dossier).events.order_by("-seq").first().reason == "Xem lại giấy tờ"


def test_return_at_the_counter_records_the_identity_check(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    sign_in("lanhdao.c")
    dossier = _reload(dossier)
    from motcua.dossiers.services import perform_action

    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"})
    client = sign_in("motcua.a")
    response = _post(client, dossier, "return_result", return_method="counter", collector="Trần Thị Bích Ngọc")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Hãy đối chiếu giấy tờ tùy thân trước khi trao." in body
    assert "Nhập số giấy tờ tùy thân người nhận." in body
    response = _post(
        client,
        dossier,
        "return_result",
        return_method="counter",
        collector="Trần Thị Bích Ngọc",
        collector_id_number="038190001234",
        identity_checked="1",
    )
    assert response.status_code == 302
    stored = _reload(dossier)
    assert stored.status == "returned"
    inputs = stored.events.order_by("-seq").first().payload["inputs"]
    assert inputs["collector_id_number"] == "038190001234" and inputs["identity_checked"] is True


def test_return_by_post_needs_the_shipping_details(world, sign_in):
    from motcua.dossiers.services import perform_action

    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"})
    client = sign_in("motcua.a")
    assert _post(client, dossier, "return_result", return_method="post").status_code == 422
    response = _post(
        client, dossier, "return_result", return_method="post", shipping_address="12 Lê Lợi", tracking_number="EMS1"
    )
    assert response.status_code == 302 and _reload(dossier).status == "returned"


def test_result_file_attached_on_resolve_becomes_a_component(world, sign_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    upload = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    response = _post(client, dossier, "resolve", result_kind="approval", files=upload)
    assert response.status_code == 302
    assert _reload(dossier).components.filter(kind="result", filename="ket-qua.pdf").exists()


def test_files_are_previewed_inline_with_their_checked_type_and_nosniff(world, sign_in):
    dossier = counter_dossier(world)
    client = sign_in("motcua.a")
    component = dossier.components.get(filename="to-khai.pdf")
    response = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{component.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    png = dossier.components.get(filename="giay-chung-sinh.png")
    image = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{png.pk}/")
    assert image["Content-Type"] == "image/png" and "sandbox" in image["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_other_agencies_get_403_for_the_page_the_files_and_the_actions(world, sign_in):
    dossier = counter_dossier(world)
    client = sign_in("ngoai.d")
    component = dossier.components.first()
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 403
    assert client.get(f"/can-bo/ho-so/{dossier.code}/tep/{component.pk}/").status_code == 403
    assert _post(client, dossier, "transfer", recipient="x").status_code == 403
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau/receipt/").status_code == 403
    assert _reload(dossier).version == dossier.version


def test_a_refused_write_from_another_agency_is_audited(world, sign_in):
    """GEN-03: the refusal is the services' own, recorded in the audit chain."""
    dossier = counter_dossier(world)
    client = sign_in("ngoai.d")
    before = AuditRecord.objects.filter(action="forbidden").count()
    assert _post(client, dossier, "transfer", recipient="x").status_code == 403
    assert AuditRecord.objects.filter(action="forbidden").count() == before + 1


def test_an_action_this_role_may_not_take_is_refused_by_the_services_with_a_message(world, sign_in):
    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("motcua.a")
    response = _post(client, dossier, "resolve", result_kind="approval")
    assert response.status_code == 302
    assert _reload(dossier).status == "in_process"
    assert "message-error" in client.get(response["Location"]).content.decode()


def test_receipt_form_is_a_pdf_shown_inline(world, sign_in):
    dossier = counter_dossier(world)
    response = sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/mau/receipt/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Content-Disposition"].startswith("inline")


def test_a_form_that_does_not_apply_is_404(world, sign_in):
    dossier = counter_dossier(world)
    assert sign_in("motcua.a").get(f"/can-bo/ho-so/{dossier.code}/mau/refusal/").status_code == 404


def test_dossier_page_queries_are_bounded(world, sign_in, django_assert_max_num_queries):
    from datetime import timedelta

    from tests.dossiers.builders import MONDAY

    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    client.get(f"/can-bo/ho-so/{dossier.code}/")
    with django_assert_max_num_queries(40) as few:
        client.get(f"/can-bo/ho-so/{dossier.code}/")
    for i in range(15):
        to_processing(world, counter_dossier(world, now=MONDAY + timedelta(minutes=i + 1)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200


def test_os_fee_01_the_online_payment_state_links_to_the_payments_and_receipt(world, sign_in):
    """Officials see the payment state and the proof of payment, the receipt (biên lai), with the
    dossier (OS-FEE-01; issue 5 item 4)."""
    from django.utils import timezone

    from motcua.payments.models import Payment

    dossier = to_processing(world, counter_dossier(world))
    client = sign_in("lanhdao.c")
    assert "Phí, lệ phí trực tuyến" not in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    now = timezone.now()
    paid = {"provider": "vnpay", "reference": "MC-TEST-1", "amount": 8000, "state": "paid"}
    Payment.objects.create(dossier=dossier, created_at=now, expires_at=now, **paid)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã thanh toán" in page and f"/thanh-toan/ho-so/{dossier.code}/" in page

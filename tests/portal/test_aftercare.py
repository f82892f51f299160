"""After filing: supplement online (OS-SUPP, OS-INTAKE-04), result download or postal delivery
(OS-RET-01), one rating per dossier on the citizen criteria (OS-EVAL-03/04), feedback (PTL-FB-01)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.services import get_dossier
from motcua.portal import aftercare
from motcua.portal.models import Delivery, Feedback, Rating
from tests.portal.builders import PDF, PNG, file_online, officials_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(client, portal_world, citizen_user):
    return file_online(client, citizen_user)


def test_os_supp_citizen_sees_exactly_what_is_missing_and_resupplies(client, portal_world, code):
    officials_resolve(portal_world, code, supplement=True)
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Cơ quan yêu cầu bổ sung hồ sơ" in page and "Giấy chứng sinh bản chính" in page and "Ảnh mờ" in page
    missing = client.post(f"/ho-so-cua-toi/{code}/bo-sung/", {})
    assert missing.status_code == 422 and "Chưa đính kèm: Giấy chứng sinh bản chính." in missing.content.decode()
    bad = client.post(f"/ho-so-cua-toi/{code}/bo-sung/", {"item_0": SimpleUploadedFile("x.png", PDF)})
    assert bad.status_code == 422 and get_dossier(code).status == "supplement_requested"
    done = client.post(f"/ho-so-cua-toi/{code}/bo-sung/", {"item_0": SimpleUploadedFile("chung-sinh.png", PNG)})
    assert done.status_code == 302
    dossier = get_dossier(code)
    assert dossier.status == "submitted"
    assert dossier.components.filter(kind="supplement").count() == 1
    assert dossier.events.order_by("-seq").first().role == "applicant"


def test_os_ret_01_result_download_and_delivery_choice(client, portal_world, code):
    assert client.get(f"/ho-so-cua-toi/{code}/").content.decode().count("Tải kết quả") == 0
    officials_resolve(portal_world, code)
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    result = get_dossier(code).components.get(kind="result")
    assert f"/ho-so-cua-toi/{code}/ket-qua/{result.pk}/" in page
    download = client.get(f"/ho-so-cua-toi/{code}/ket-qua/{result.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert Client().get(f"/ho-so-cua-toi/{code}/ket-qua/{result.pk}/").status_code == 302  # sign-in first
    short = client.post(f"/ho-so-cua-toi/{code}/nhan-ket-qua/", {"method": "postal", "address": "x"})
    assert short.status_code == 422
    client.post(f"/ho-so-cua-toi/{code}/nhan-ket-qua/", {"method": "postal", "address": "12 Lê Lợi, phường Hạc Thành"})
    assert Delivery.objects.get(dossier__code=code).address == "12 Lê Lợi, phường Hạc Thành"


def test_os_eval_04_one_rating_per_dossier_after_the_result(client, portal_world, code):
    answers = {f"criterion_{key}": "satisfied" for key, _label in aftercare.CRITERIA}
    early = client.post(f"/ho-so-cua-toi/{code}/danh-gia/", {**answers, "overall": "satisfied"})
    assert early.status_code == 409
    officials_resolve(portal_world, code)
    page = client.get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert len(aftercare.CRITERIA) == 7 and "Thái độ ứng xử của cán bộ, công chức" in page
    incomplete = client.post(f"/ho-so-cua-toi/{code}/danh-gia/", {"overall": "satisfied"})
    assert incomplete.status_code == 422
    ok = client.post(f"/ho-so-cua-toi/{code}/danh-gia/", {**answers, "overall": "very_satisfied", "comment": "Nhanh"})
    assert ok.status_code == 302
    again = client.post(f"/ho-so-cua-toi/{code}/danh-gia/", {**answers, "overall": "dissatisfied"})
    assert again.status_code == 409
    rating = Rating.objects.get(dossier__code=code)
    assert rating.overall == "very_satisfied" and rating.criteria["attitude"] == "satisfied"


def test_ptl_fb_01_feedback_number_answer_and_publication(db):
    anonymous = Client()
    refused = anonymous.post("/phan-anh/", {"sender_name": "A", "subject": "x", "content": "y"})
    assert refused.status_code == 422
    sent = anonymous.post(
        "/phan-anh/",
        {
            "sender_name": "Nguyễn Văn Hùng",
            "subject": "Thời gian chờ tại quầy",
            "content": "Tôi phải chờ hơn hai giờ tại Bộ phận Một cửa.",
            "allow_publication": "on",
        },
    )
    feedback = Feedback.objects.get()
    assert sent.status_code == 200 and feedback.number in sent.content.decode()
    aftercare.answer_feedback(feedback, "Đã bố trí thêm quầy tiếp nhận.", publish=True)
    followed = anonymous.post("/phan-anh/theo-doi/", {"number": feedback.number.lower()})
    assert "Đã bố trí thêm quầy tiếp nhận." in followed.content.decode()
    listing = anonymous.get("/phan-anh/").content.decode()
    assert "Đã bố trí thêm quầy tiếp nhận." in listing and "Nguyễn Văn Hùng" not in listing


def test_feedback_not_published_without_consent(db):
    feedback = aftercare.send_feedback(
        user=None,
        sender_name="An",
        sender_email="",
        subject="Góp ý chung",
        content="Nội dung góp ý dài.",
        dossier_code="",
        allow_publication=False,
    )
    assert aftercare.answer_feedback(feedback, "Cảm ơn.", publish=True).published is False


def test_feedback_is_rate_limited(db):
    anonymous = Client()
    # 11 posts: even if a fixed one-minute window ends among them, one window sees more than 5.
    statuses = [anonymous.post("/phan-anh/", {}, REMOTE_ADDR="203.0.113.90").status_code for _ in range(11)]
    assert statuses[0] == 422 and 429 in statuses

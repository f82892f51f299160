"""Feedback and petition time limits in working days on the province calendar (PTL-FB-02, QĐ 766
indicator 5.2): refuse ≤ 2, ask for more information ≤ 5, answer ≤ 15, publish ≤ 2 after the answer;
officials see what is overdue in the admin."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from motcua.calendar.models import CalendarEntry, EntryKind
from motcua.core.errors import Conflict, ValidationFailed
from motcua.portal import aftercare, feedback_deadlines
from motcua.portal.models import Feedback

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=VN)


def _send(allow_publication=True):
    return aftercare.send_feedback(
        user=None,
        sender_name="Nguyễn Văn Hùng",
        sender_email="",
        subject="Thời gian chờ tại quầy",
        content="Tôi phải chờ hơn hai giờ tại Bộ phận Một cửa.",
        dossier_code="",
        allow_publication=allow_publication,
    )


def test_ptl_fb_02_limits_are_working_days_from_receipt():
    # Monday 3 March 2025, 10:00: weekends are skipped; each limit ends at the close of office.
    limits = feedback_deadlines.deadlines(at(2025, 3, 3))
    assert limits.refuse_by.astimezone(VN).date() == date(2025, 3, 5)
    assert limits.request_info_by.astimezone(VN).date() == date(2025, 3, 10)
    assert limits.answer_by.astimezone(VN).date() == date(2025, 3, 24)
    assert limits.answer_by.astimezone(VN).hour == 17
    assert feedback_deadlines.publish_by(at(2025, 3, 24, 16)).astimezone(VN).date() == date(2025, 3, 26)


def test_ptl_fb_02_a_local_day_off_moves_the_limits():
    CalendarEntry.objects.create(date=date(2025, 3, 5), kind=EntryKind.LOCAL_DAY_OFF, name="Nghỉ của tỉnh")
    limits = feedback_deadlines.deadlines(at(2025, 3, 3))
    assert limits.refuse_by.astimezone(VN).date() == date(2025, 3, 6)
    assert limits.answer_by.astimezone(VN).date() == date(2025, 3, 25)


def test_ptl_fb_02_received_feedback_carries_its_limits_and_the_sender_sees_the_answer_limit():
    response = Client().post(
        "/phan-anh/",
        {
            "sender_name": "Nguyễn Văn Hùng",
            "subject": "Thời gian chờ tại quầy",
            "content": "Tôi phải chờ hơn hai giờ tại Bộ phận Một cửa.",
        },
    )
    feedback = Feedback.objects.get()
    expected = feedback_deadlines.deadlines(feedback.created_at)
    assert abs(feedback.answer_due_at - expected.answer_by) < timedelta(days=1)
    assert feedback.refuse_due_at < feedback.request_info_due_at < feedback.answer_due_at
    assert timezone.localtime(feedback.answer_due_at).strftime("%d/%m/%Y") in response.content.decode()


def test_ptl_fb_02_overdue_unanswered_and_late_answers_are_flagged():
    on_time, late, waiting = _send(), _send(), _send()
    past = timezone.now() - timedelta(days=1)
    Feedback.objects.filter(pk__in=[late.pk, waiting.pk]).update(answer_due_at=past)
    aftercare.answer_feedback(on_time, "Đã chấn chỉnh.", publish=True)
    aftercare.answer_feedback(Feedback.objects.get(pk=late.pk), "Trả lời muộn.", publish=False)
    assert set(feedback_deadlines.overdue(Feedback.objects.all()).values_list("pk", flat=True)) == {late.pk, waiting.pk}
    assert not feedback_deadlines.is_overdue(Feedback.objects.get(pk=on_time.pk))
    # Publication: allowed and not yet public past its limit is overdue too.
    late = Feedback.objects.get(pk=late.pk)
    assert late.publish_due_at is not None and not late.published
    Feedback.objects.filter(pk=late.pk).update(publish_due_at=past)
    assert feedback_deadlines.is_publication_overdue(Feedback.objects.get(pk=late.pk))
    on_time = Feedback.objects.get(pk=on_time.pk)
    assert on_time.published and on_time.published_at is not None
    assert not feedback_deadlines.is_publication_overdue(on_time)


def test_ptl_fb_02_admin_lists_overdue_feedback_first(admin_client):
    fine, waiting = _send(), _send()
    Feedback.objects.filter(pk=waiting.pk).update(answer_due_at=timezone.now() - timedelta(hours=1))
    page = admin_client.get("/admin/portal/feedback/?han=qua-han")
    assert page.status_code == 200
    body = page.content.decode()
    assert waiting.number in body and fine.number not in body
    assert "Quá hạn" in admin_client.get("/admin/portal/feedback/").content.decode()


def test_ptl_fb_02_refusal_and_request_for_information_have_their_own_limits():
    refused_in_time, refused_late, asked_late = _send(), _send(), _send()
    aftercare.refuse_feedback(refused_in_time, "Không thuộc phạm vi xử lý của tỉnh.")
    assert Feedback.objects.get(pk=refused_in_time.pk).status == "refused"
    assert feedback_deadlines.late_steps(Feedback.objects.get(pk=refused_in_time.pk)) == []
    past = timezone.now() - timedelta(hours=1)
    Feedback.objects.filter(pk__in=[refused_late.pk, asked_late.pk]).update(
        refuse_due_at=past, request_info_due_at=past
    )
    aftercare.refuse_feedback(Feedback.objects.get(pk=refused_late.pk), "Nội dung không rõ ràng.")
    aftercare.request_feedback_info(Feedback.objects.get(pk=asked_late.pk), "Xin cho biết ngày, giờ và quầy.")
    assert feedback_deadlines.late_steps(Feedback.objects.get(pk=refused_late.pk)) == ["refuse"]
    asked = Feedback.objects.get(pk=asked_late.pk)
    assert asked.status == "info_requested" and feedback_deadlines.late_steps(asked) == ["request_info"]
    overdue = set(feedback_deadlines.overdue(Feedback.objects.all()).values_list("pk", flat=True))
    assert overdue == {refused_late.pk, asked_late.pk}
    # A refused feedback is closed: no second refusal, no request for information.
    with pytest.raises(Conflict):
        aftercare.request_feedback_info(Feedback.objects.get(pk=refused_in_time.pk), "Bổ sung thông tin.")
    with pytest.raises(ValidationFailed):
        aftercare.refuse_feedback(_send(), "")


def test_ptl_fb_02_the_sender_sees_the_refusal_and_its_reason():
    feedback = _send()
    aftercare.refuse_feedback(feedback, "Không thuộc phạm vi xử lý của tỉnh.")
    page = Client().post("/phan-anh/theo-doi/", {"number": feedback.number}).content.decode()
    assert "Từ chối tiếp nhận" in page and "Không thuộc phạm vi xử lý của tỉnh." in page


def test_ptl_fb_02_officials_refuse_in_the_admin(admin_client):
    feedback = _send()
    response = admin_client.post(
        f"/admin/portal/feedback/{feedback.pk}/change/",
        {"step": "refuse", "answer": "Trùng với phản ánh đã trả lời.", "published": ""},
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "refused" and feedback.refused_at is not None
    assert feedback.answer == "Trùng với phản ánh đã trả lời."

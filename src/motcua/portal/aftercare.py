"""After filing: what the applicant sees and may do (supplement OS-SUPP, result OS-RET-01,
rating OS-EVAL-03/04, feedback PTL-FB-01). Dossier changes go through the dossier services."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import Conflict, FieldError, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import Upload
from motcua.dossiers.form_data import supplement_request_data
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.vocabulary import DossierState
from motcua.portal import feedback_deadlines
from motcua.portal.models import Delivery, DeliveryMethod, Feedback, FeedbackStatus, Rating, Satisfaction

FINISHED = {DossierState.RESOLVED.value, DossierState.RETURNED.value}
# The citizen criteria of NĐ 61/2018 Art. 31(1) (OS-EVAL-03).
CRITERIA: list[tuple[str, Any]] = [
    ("time", gettext_lazy("Thời gian giải quyết")),
    ("contacts", gettext_lazy("Số lượng cơ quan, đơn vị, tổ chức phải liên hệ")),
    ("accuracy", gettext_lazy("Mức độ chính xác, đầy đủ của thông tin được cung cấp")),
    ("attitude", gettext_lazy("Thái độ ứng xử của cán bộ, công chức")),
    ("lawfulness", gettext_lazy("Sự phù hợp pháp luật của kết quả; chi phí ngoài quy định")),
    ("feedback", gettext_lazy("Việc tiếp nhận, xử lý ý kiến góp ý, phản ánh, kiến nghị")),
    ("online", gettext_lazy("Chất lượng dịch vụ công trực tuyến")),
]


def supplement_items(dossier: Dossier) -> list[Any]:
    """Exactly what the agency asked for (form 02 items and reason), or [] when nothing is asked."""
    if dossier.status != DossierState.SUPPLEMENT_REQUESTED:
        return []
    return list(supplement_request_data(dossier).items)


def supplement_reason(dossier: Dossier) -> str:
    return supplement_request_data(dossier).reason if dossier.status == DossierState.SUPPLEMENT_REQUESTED else ""


def submit_supplement(dossier: Dossier, user: Any, files: dict[str, Any]) -> None:
    """Upload one file per requested item and resupply through the dossier services."""
    items = supplement_items(dossier)
    if not items:
        raise Conflict("no_supplement_requested", _("Hồ sơ không có yêu cầu bổ sung."))
    uploads, errors = [], []
    for index, item in enumerate(items):
        uploaded = files.get(f"item_{index}")
        if uploaded is None:
            errors.append(FieldError(f"item_{index}", "required", _("Chưa đính kèm: %(name)s.") % {"name": item.name}))
            continue
        uploads.append(Upload(filename=uploaded.name, content=uploaded.read(25 * 1024 * 1024 + 1), name=item.name))
    if errors:
        raise ValidationFailed(_("Vui lòng đính kèm đủ các giấy tờ được yêu cầu."), errors)
    dossier_services.perform_applicant_action(
        dossier, "resupply", user, {"items": [item.name for item in items]}, files=uploads
    )


def can_withdraw(dossier: Dossier) -> bool:
    """Whether the applicant may still withdraw (OS-STOP-01): the dossier state machine decides."""
    from django.utils import timezone

    from motcua.dossiers.engine import facts_of
    from motcua.dossiers.states import allowed_actions
    from motcua.dossiers.vocabulary import Action, Role

    try:
        state = DossierState(dossier.status)
    except ValueError:
        return False
    return Action.WITHDRAW in allowed_actions(state, {Role.APPLICANT}, facts_of(dossier, timezone.now()))


def withdraw(dossier: Dossier, user: Any, reason: str) -> None:
    """The applicant withdraws the dossier with a reason, through the dossier services."""
    reason = " ".join((reason or "").split())[:500]
    if len(reason) < 5:
        raise ValidationFailed(
            _("Vui lòng nêu lý do rút hồ sơ."),
            [FieldError("reason", "required", _("Vui lòng nêu lý do rút hồ sơ (ít nhất 5 ký tự)."))],
        )
    if not can_withdraw(dossier):
        raise Conflict("cannot_withdraw", _("Hồ sơ ở trạng thái này không thể rút."))
    dossier_services.perform_applicant_action(dossier, "withdraw", user, {"reason": reason})


def result_files(dossier: Dossier) -> list[DossierComponent]:
    if dossier.status not in FINISHED:
        return []
    return list(dossier.components.filter(kind="result").only("id", "name", "filename", "size"))


def issued_forms(dossier: Dossier) -> list[DossierComponent]:
    """The forms the agency issued to the applicant (receipt, supplement request, refusal, apology,
    stop notice), as stored when issued: signed by the agency when it has a certificate (SIG-07)."""
    forms = dossier.components.filter(kind="form").order_by("added_by_event", "id")
    return list(forms.only("id", "name", "filename", "signatures"))


def choose_delivery(dossier: Dossier, method: str, address: str) -> Delivery:
    if method not in DeliveryMethod.values:
        raise ValidationFailed(
            _("Vui lòng chọn hình thức nhận kết quả."), [FieldError("method", "invalid", _("Hình thức không hợp lệ."))]
        )
    address = (address or "").strip()
    if method == DeliveryMethod.POSTAL and len(address) < 10:
        raise ValidationFailed(
            _("Vui lòng nhập địa chỉ nhận kết quả."),
            [FieldError("address", "required", _("Vui lòng nhập đầy đủ địa chỉ nhận qua bưu chính."))],
        )
    if dossier.status == DossierState.RETURNED:
        raise Conflict("already_returned", _("Kết quả đã được trả."))
    delivery, _created = Delivery.objects.update_or_create(
        dossier=dossier, defaults={"method": method, "address": address if method == DeliveryMethod.POSTAL else ""}
    )
    return delivery


def rate(dossier: Dossier, overall: str, criteria: dict[str, str], comment: str) -> Rating:
    """One rating per dossier, once it has a result (OS-EVAL-04)."""
    if dossier.status not in FINISHED:
        raise Conflict("not_finished", _("Chỉ đánh giá được sau khi hồ sơ có kết quả."))
    errors = []
    if overall not in Satisfaction.values:
        errors.append(FieldError("overall", "required", _("Vui lòng chọn mức độ hài lòng chung.")))
    chosen = {}
    for key, label in CRITERIA:
        value = criteria.get(key, "")
        if value not in Satisfaction.values:
            errors.append(FieldError(f"criterion_{key}", "required", _("Vui lòng đánh giá: %(c)s.") % {"c": label}))
        chosen[key] = value
    if errors:
        raise ValidationFailed(_("Phiếu đánh giá chưa đầy đủ."), errors)
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier, overall=overall, criteria=chosen, comment=(comment or "").strip()[:2000]
            )
    except IntegrityError:
        raise Conflict("already_rated", _("Hồ sơ này đã được đánh giá.")) from None


def new_feedback_number() -> str:
    return f"PAKN-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def send_feedback(
    *,
    user: Any,
    sender_name: str,
    sender_email: str,
    subject: str,
    content: str,
    dossier_code: str,
    allow_publication: bool,
) -> Feedback:
    errors = []
    if len((sender_name or "").strip()) < 2:
        errors.append(FieldError("sender_name", "required", _("Vui lòng nhập họ và tên.")))
    if len((subject or "").strip()) < 5:
        errors.append(FieldError("subject", "required", _("Tiêu đề cần ít nhất 5 ký tự.")))
    if len((content or "").strip()) < 10:
        errors.append(FieldError("content", "required", _("Nội dung cần ít nhất 10 ký tự.")))
    if errors:
        raise ValidationFailed(_("Phản ánh, kiến nghị chưa hợp lệ."), errors)
    received_at = timezone.now()
    limits = feedback_deadlines.deadlines(received_at)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Feedback.objects.create(
                    number=new_feedback_number(),
                    refuse_due_at=limits.refuse_by,
                    request_info_due_at=limits.request_info_by,
                    answer_due_at=limits.answer_by,
                    user=user if getattr(user, "is_authenticated", False) else None,
                    sender_name=sender_name.strip()[:300],
                    sender_email=(sender_email or "").strip()[:254],
                    subject=subject.strip()[:300],
                    content=content.strip()[:5000],
                    dossier_code=(dossier_code or "").strip()[:60],
                    allow_publication=bool(allow_publication),
                )
        except IntegrityError:
            continue
    raise Conflict("feedback_number", _("Không cấp được số theo dõi; vui lòng thử lại."))


def _closed(feedback: Feedback) -> None:
    if feedback.status in (FeedbackStatus.ANSWERED, FeedbackStatus.REFUSED):
        raise Conflict("feedback_closed", _("Phản ánh, kiến nghị này đã được xử lý xong."))


def _message_required(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationFailed(
            _("Vui lòng nhập nội dung gửi người phản ánh."),
            [FieldError("answer", "required", _("Vui lòng nhập nội dung gửi người phản ánh."))],
        )
    return text


def refuse_feedback(feedback: Feedback, reason: str) -> Feedback:
    """The agency declines to take the feedback up, with the reason shown to the sender (PTL-FB-02:
    within 2 working days of receipt). It closes the feedback."""
    _closed(feedback)
    feedback.answer = _message_required(reason)
    feedback.refused_at = timezone.now()
    feedback.status = FeedbackStatus.REFUSED
    feedback.save(update_fields=["answer", "refused_at", "status"])
    return feedback


def request_feedback_info(feedback: Feedback, message: str) -> Feedback:
    """The agency asks the sender for more information (PTL-FB-02: within 5 working days of
    receipt); the answer is still due by its own limit."""
    _closed(feedback)
    feedback.answer = _message_required(message)
    feedback.info_requested_at = feedback.info_requested_at or timezone.now()
    feedback.status = FeedbackStatus.INFO_REQUESTED
    feedback.save(update_fields=["answer", "info_requested_at", "status"])
    return feedback


def answer_feedback(feedback: Feedback, answer: str, publish: bool) -> Feedback:
    """The agency's answer (from the admin); published only when the sender allowed it."""
    now = timezone.now()
    feedback.answer = answer.strip()
    if feedback.answered_at is None:  # the first answer fixes the time (PTL-FB-02 on time or late)
        feedback.answered_at = now
        feedback.publish_due_at = feedback_deadlines.publish_by(now) if feedback.allow_publication else None
    feedback.status = FeedbackStatus.ANSWERED
    feedback.published = bool(publish and feedback.allow_publication)
    if feedback.published and feedback.published_at is None:
        feedback.published_at = now
    feedback.save(update_fields=["answer", "answered_at", "status", "published", "publish_due_at", "published_at"])
    return feedback

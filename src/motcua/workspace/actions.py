"""What each action's form asks for, and how the posted form becomes the service's inputs.

The inputs the state machine requires are decided by `dossiers.states` (it answers with a 422
naming each missing one); this module only knows which fields to draw for each action. The return
desk records the identity check and shipping details as extra inputs on the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import FieldError, ValidationFailed
from motcua.dossiers.files import Upload
from motcua.dossiers.states import Action

# Dossiers without an internal process name the step and sub-state themselves.
GENERIC_STEP = ("step", "substate")
STEP_ACTIONS = {Action.START_STEP.value, Action.COMPLETE_STEP.value, Action.SEND_BACK.value}
FIELDS: dict[str, tuple[str, ...]] = {
    Action.ACCEPT.value: (),
    Action.NOT_ACCEPT.value: ("reason",),
    Action.REQUEST_SUPPLEMENT.value: ("items", "reason", "override_reason"),
    Action.RESUPPLY.value: ("items", "files"),
    Action.ASSIGN.value: ("assignee", "comment"),
    Action.START_STEP.value: ("transition", "comment", "files"),
    Action.COMPLETE_STEP.value: ("transition", "comment", "files"),
    Action.SEND_BACK.value: ("transition", "comment", "files"),
    Action.TRANSFER.value: ("recipient", "comment"),
    Action.APOLOGIZE.value: ("reason", "new_due_at"),
    Action.RESOLVE.value: ("result_kind", "reason", "files"),
    Action.RETURN_RESULT.value: (
        "return_method",
        "collector",
        "collector_id_number",
        "identity_checked",
        "shipping_address",
        "tracking_number",
        "comment",
    ),
    Action.REQUEST_PAYMENT.value: ("fees",),
    Action.CONFIRM_PAYMENT.value: ("payment_ref",),
    Action.WITHDRAW.value: ("reason",),
    Action.STOP.value: ("reason",),
}
LABELS = {
    "reason": _("Lý do (gửi người nộp)"),
    "override_reason": _("Lý do yêu cầu bổ sung lần nữa (nếu đã yêu cầu trước đó)"),
    "items": _("Giấy tờ cần bổ sung / đã bổ sung (mỗi dòng một giấy tờ)"),
    "assignee": _("Giao cho chuyên viên"),
    "comment": _("Ý kiến xử lý"),
    "files": _("Tệp đính kèm"),
    "transition": _("Chuyển bước"),
    "step": _("Mã bước xử lý"),
    "substate": _("Tình trạng xử lý"),
    "recipient": _("Chuyển đến (mã cơ quan, đơn vị)"),
    "new_due_at": _("Ngày hẹn trả mới"),
    "result_kind": _("Kết quả"),
    "return_method": _("Hình thức trả kết quả"),
    "collector": _("Người nhận kết quả"),
    "collector_id_number": _("Số giấy tờ tùy thân người nhận"),
    "identity_checked": _("Đã đối chiếu giấy tờ tùy thân của người nhận"),
    "shipping_address": _("Địa chỉ nhận qua bưu chính"),
    "tracking_number": _("Mã vận đơn bưu chính"),
    "fees": _("Phí, lệ phí (mỗi dòng: mã;số tiền)"),
    "payment_ref": _("Mã chứng từ thanh toán"),
}


@dataclass(frozen=True)
class Posted:
    action: str
    inputs: dict[str, Any]
    files: list[Upload]
    expected_version: int | None
    typed: dict[str, str]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fees(text: str, errors: list[FieldError]) -> list[dict[str, Any]]:
    fees = []
    for line in _lines(text):
        code, _sep, amount = line.partition(";")
        if not amount.strip().isdigit():
            errors.append(FieldError("fees", "invalid", str(_("Mỗi dòng gồm mã và số tiền, ví dụ: LP01;50000."))))
            break
        fees.append({"code": code.strip(), "amount": int(amount.strip())})
    return fees


def _due(text: str, errors: list[FieldError]) -> datetime | str | None:
    if not text:
        return None
    value = parse_datetime(text)
    if value is None:
        errors.append(FieldError("new_due_at", "invalid", str(_("Ngày giờ không hợp lệ."))))
        return text
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _return_checks(inputs: dict[str, Any], errors: list[FieldError]) -> None:
    """The return desk records how the result left: identity check at the counter, shipping by post."""
    method = inputs.get("return_method")
    if method == "counter":
        if not inputs.get("collector_id_number"):
            errors.append(FieldError("collector_id_number", "required", str(_("Nhập số giấy tờ tùy thân người nhận."))))
        if not inputs.get("identity_checked"):
            errors.append(
                FieldError("identity_checked", "required", str(_("Hãy đối chiếu giấy tờ tùy thân trước khi trao.")))
            )
    if method == "post":
        for name in ("shipping_address", "tracking_number"):
            if not inputs.get(name):
                errors.append(FieldError(name, "required", str(_("Thiếu giá trị bắt buộc."))))


def read_post(data: Any, uploaded: Any) -> Posted:
    """The action and its inputs from a posted form; ValidationFailed for what cannot even be read."""
    action = (data.get("action") or "").strip()
    names = {name for names in FIELDS.values() for name in names if name != "files"} | set(GENERIC_STEP)
    typed = {name: (data.get(name) or "").strip() for name in names}
    errors: list[FieldError] = []
    inputs: dict[str, Any] = {}
    wanted = FIELDS.get(action, ())
    if action in STEP_ACTIONS:
        wanted = (*wanted, *GENERIC_STEP)  # without a process the table needs step (and sub-state)
    for name in wanted:
        value = typed.get(name, "")
        if name == "files" or not value:
            continue
        if name == "items":
            inputs[name] = _lines(value)
        elif name == "fees":
            inputs[name] = _fees(value, errors)
        elif name == "new_due_at":
            inputs[name] = _due(value, errors)
        elif name == "identity_checked":
            inputs[name] = True
        else:
            inputs[name] = value
    if action == Action.RETURN_RESULT.value:
        _return_checks(inputs, errors)
    files = [
        Upload(filename=f.name, content=f.read(), name=f.name)
        for f in (uploaded.getlist("files") if "files" in FIELDS.get(action, ()) else [])
    ]
    try:
        expected = int(data.get("expected_version", ""))
    except ValueError:
        expected = None
    if errors:
        raise ValidationFailed(str(_("Thông tin chưa hợp lệ.")), errors)
    return Posted(action, inputs, files, expected, typed)

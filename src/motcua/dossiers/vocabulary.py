"""Names of the dossier life cycle: states, sub-states, actions, roles, result kinds (glossary.md).

Identifiers are English; each state and action carries a Vietnamese label with an English
counterpart for screens and error messages. Import these through `motcua.dossiers.states`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class DossierState(StrEnum):
    """Canonical states (OS-STATE-02); the national codes live in `national_status.py`."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    IN_PROCESS = "in_process"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    AWAITING_PAYMENT = "awaiting_payment"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESOLVED = "resolved"
    RETURNED = "returned"


class ProcessingSubstate(StrEnum):
    """Where an in_process dossier is inside its agency (OS-STATE-02); nationally all are code 4."""

    ASSIGNED = "assigned"
    APPRAISING = "appraising"
    VERIFYING = "verifying"
    CONSULTING = "consulting"
    INTERAGENCY = "interagency"
    AWAITING_SIGNATURE = "awaiting_signature"


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"  # refusal at intake, form 03 (OS-INTAKE-02, OS-STOP-03)
    REQUEST_SUPPLEMENT = "request_supplement"  # form 02, phase intake or processing
    RESUPPLY = "resupply"
    ASSIGN = "assign"  # OS-PROC-01
    START_STEP = "start_step"
    COMPLETE_STEP = "complete_step"
    SEND_BACK = "send_back"
    REQUEST_PAYMENT = "request_payment"  # OS-PROC-08
    CONFIRM_PAYMENT = "confirm_payment"
    APOLOGIZE = "apologize"  # form 04, once, before the due time (OS-LATE-01/02)
    TRANSFER = "transfer"  # forwarding (OS-XFER) and liên thông (OS-PROC-04/05)
    RESOLVE = "resolve"  # result ready: approval or refusal (OS-STOP-03, OS-PROC-07)
    RETURN_RESULT = "return_result"  # counter, post or online (OS-RET-01)
    WITHDRAW = "withdraw"  # OS-STOP-01
    STOP = "stop"  # OS-STOP-02
    # Not in the transition table: a digital signature applied to a document of the dossier, recorded
    # as an event that changes no state (SIG-07, issue 6). See `RECORD_ACTIONS`.
    SIGN = "sign"
    # An official's comment, with or without files, that moves nothing (issue 4's dossier page).
    COMMENT = "comment"


# Actions recorded as events without a transition: status, sub-state and deadlines stay as they were.
RECORD_ACTIONS: Final = frozenset({Action.SIGN, Action.COMMENT})


class Role:
    """Role identifiers as plain strings; the same values as `organizations.models.Role`.

    `applicant` and `system` are not officials' roles: the citizen or business owning the dossier,
    and automated actors (payment notifications, national-portal sync, online forwarding).
    """

    INTAKE_OFFICER: Final = "intake_officer"
    HANDLER: Final = "handler"
    DEPARTMENT_LEADER: Final = "department_leader"
    AGENCY_LEADER: Final = "agency_leader"
    CLERK: Final = "clerk"
    PROVINCIAL_ADMIN: Final = "provincial_admin"
    APPLICANT: Final = "applicant"
    SYSTEM: Final = "system"


class ResultKind(StrEnum):
    """A refusal after appraisal is a result and counts as processed, unlike not_accepted (OS-STOP-03)."""

    APPROVAL = "approval"
    REFUSAL = "refusal"


class ReturnMethod(StrEnum):
    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"


class FormKey(StrEnum):
    """Notice a transition issues; the regime maps keys to form numbers (OS-FORM-10)."""

    RECEIPT = "receipt"  # 01
    SUPPLEMENT_REQUEST = "supplement_request"  # 02
    REFUSAL = "refusal"  # 03
    APOLOGY = "apology"  # 04
    STOP_NOTICE = "stop_notice"  # 05 under TT 03/2025


STATE_LABELS: Final[dict[DossierState, tuple[str, str]]] = {
    DossierState.DRAFT: ("Chưa nộp", "Draft"),
    DossierState.SUBMITTED: ("Mới đăng ký", "Submitted"),
    DossierState.ACCEPTED: ("Đã tiếp nhận", "Accepted"),
    DossierState.NOT_ACCEPTED: ("Từ chối tiếp nhận", "Not accepted"),
    DossierState.IN_PROCESS: ("Đang xử lý", "In process"),
    DossierState.SUPPLEMENT_REQUESTED: ("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    DossierState.AWAITING_PAYMENT: ("Chờ thực hiện nghĩa vụ tài chính", "Awaiting payment"),
    DossierState.WITHDRAWN: ("Đã rút hồ sơ", "Withdrawn"),
    DossierState.STOPPED: ("Dừng xử lý", "Stopped"),
    DossierState.RESOLVED: ("Đã có kết quả", "Resolved"),
    DossierState.RETURNED: ("Đã trả kết quả", "Result returned"),
}

ACTION_LABELS: Final[dict[Action, tuple[str, str]]] = {
    Action.SUBMIT: ("Nộp hồ sơ", "Submit"),
    Action.ACCEPT: ("Tiếp nhận hồ sơ", "Accept"),
    Action.NOT_ACCEPT: ("Từ chối tiếp nhận", "Refuse at intake"),
    Action.REQUEST_SUPPLEMENT: ("Yêu cầu bổ sung hồ sơ", "Request a supplement"),
    Action.RESUPPLY: ("Bổ sung hồ sơ", "Supply the missing documents"),
    Action.ASSIGN: ("Phân công xử lý", "Assign a handler"),
    Action.START_STEP: ("Bắt đầu bước xử lý", "Start a step"),
    Action.COMPLETE_STEP: ("Hoàn thành bước xử lý", "Complete a step"),
    Action.SEND_BACK: ("Trả lại bước trước", "Send back"),
    Action.REQUEST_PAYMENT: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Request payment"),
    Action.CONFIRM_PAYMENT: ("Xác nhận đã thanh toán", "Confirm payment"),
    Action.APOLOGIZE: ("Xin lỗi và hẹn lại ngày trả kết quả", "Apologise and reschedule"),
    Action.TRANSFER: ("Chuyển xử lý, liên thông", "Transfer"),
    Action.RESOLVE: ("Hoàn thành giải quyết", "Resolve"),
    Action.RETURN_RESULT: ("Trả kết quả", "Return the result"),
    Action.WITHDRAW: ("Rút hồ sơ", "Withdraw"),
    Action.STOP: ("Dừng xử lý hồ sơ", "Stop processing"),
    Action.SIGN: ("Ký số", "Digitally signed"),
    Action.COMMENT: ("Ý kiến", "Comment"),
}

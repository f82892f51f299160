"""Guards of the transition table: small pure predicates over what is known about a dossier.

A guard returns None when the row may fire, or a `Refusal` with a stable code and a Vietnamese
message with its English counterpart. The table names guards by key (`Transition.guard_name`) so
the table stays data that can be printed, documented and checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from motcua.dossiers.vocabulary import STATE_LABELS, DossierState


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the guards may look at; the models/events layer projects it from the event log.

    `paused_from` is the state a dossier left when it entered supplement_requested or
    awaiting_payment, so that resupply / payment resumes the right phase. `override_reason` is the
    reason an official gave to ask for a second supplement (OS-SUPP-05).
    """

    now: datetime
    due_at: datetime | None = None
    apology_count: int = 0
    supplement_count: int = 0
    override_reason: str = ""
    clock_stopped: bool = False
    paused_from: DossierState | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message_vi: str
    message_en: str


Guard = Callable[[DossierFacts], Refusal | None]


def apology_allowed(facts: DossierFacts) -> Refusal | None:
    """Form 04 at most once and only before the due time (OS-LATE-01, OS-LATE-02)."""
    if facts.apology_count >= 1:
        return Refusal(
            "apology_already_issued",
            "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả một lần; không được hẹn lại lần thứ hai.",
            "The dossier has already been rescheduled once; a second apology is not allowed.",
        )
    if facts.due_at is None or facts.clock_stopped:
        return Refusal(
            "no_running_due_time",
            "Hồ sơ chưa có hạn trả kết quả đang tính nên không thể hẹn lại.",
            "The dossier has no running due time to reschedule.",
        )
    if facts.now >= facts.due_at:
        return Refusal(
            "apology_after_due",
            "Đã đến hoặc quá hạn trả kết quả; phải xin lỗi và hẹn lại trước thời hạn.",
            "The due time has passed; an apology must be issued before it.",
        )
    return None


def supplement_allowed(facts: DossierFacts) -> Refusal | None:
    """Supplement guidance is given once; a further request needs an explicit reason (OS-SUPP-05)."""
    if facts.supplement_count >= 1 and not facts.override_reason.strip():
        return Refusal(
            "supplement_override_required",
            "Hồ sơ đã được yêu cầu bổ sung một lần; yêu cầu bổ sung lần nữa phải ghi rõ lý do.",
            "A supplement was already requested; another request needs an explicit override reason.",
        )
    return None


def _paused_from(expected: DossierState) -> Guard:
    # Resupply and payment go back to the phase they interrupted; one row per phase keeps the
    # target explicit in the table instead of computed.
    def guard(facts: DossierFacts) -> Refusal | None:
        if facts.paused_from is expected:
            return None
        vi, en = STATE_LABELS[expected]
        return Refusal(
            "resume_state_mismatch",
            f"Hồ sơ không tạm dừng từ trạng thái «{vi}».",
            f"The dossier was not paused from the {en.lower()} state.",
        )

    guard.__name__ = f"paused_from_{expected.value}"
    return guard


GUARDS: Final[Mapping[str, Guard]] = {
    "apology_allowed": apology_allowed,
    "supplement_allowed": supplement_allowed,
    "paused_from_submitted": _paused_from(DossierState.SUBMITTED),
    "paused_from_accepted": _paused_from(DossierState.ACCEPTED),
    "paused_from_in_process": _paused_from(DossierState.IN_PROCESS),
    "paused_from_resolved": _paused_from(DossierState.RESOLVED),
}

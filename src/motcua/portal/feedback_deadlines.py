"""Time limits for feedback and petitions (phản ánh, kiến nghị; PTL-FB-02, QĐ 766 indicator 5.2),
counted in working days on the province's calendar (`motcua.calendar`, the same engine as dossier
deadlines):

- refuse (from chối tiếp nhận) within 2 working days of receipt;
- ask the sender for more information within 5 working days;
- answer (resolve) within 15 working days;
- publish the answer, when it is to be published, within 2 working days of the answer.

Each limit ends at the close of office of the n-th working day after receipt (a feedback received
outside office hours counts from the next working day), as `WorkCalendar.add_working_days` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Q, QuerySet
from django.utils import timezone

REFUSE_DAYS: Final = 2
REQUEST_INFO_DAYS: Final = 5
ANSWER_DAYS: Final = 15
PUBLISH_DAYS: Final = 2


@dataclass(frozen=True)
class FeedbackDeadlines:
    refuse_by: datetime
    request_info_by: datetime
    answer_by: datetime


def _calendar() -> Any:
    from motcua.calendar.services import calendar_for

    return calendar_for(None)  # feedback is addressed to the province, not to one agency


def deadlines(received_at: datetime) -> FeedbackDeadlines:
    """The three limits that start at receipt (PTL-FB-02)."""
    calendar = _calendar()
    return FeedbackDeadlines(
        refuse_by=calendar.add_working_days(received_at, REFUSE_DAYS),
        request_info_by=calendar.add_working_days(received_at, REQUEST_INFO_DAYS),
        answer_by=calendar.add_working_days(received_at, ANSWER_DAYS),
    )


def publish_by(answered_at: datetime) -> datetime:
    """When an answer that is to be published must be public (PTL-FB-02: 2 working days)."""
    return _calendar().add_working_days(answered_at, PUBLISH_DAYS)


def late_steps(feedback: Any, now: datetime | None = None) -> list[str]:
    """Which limits of PTL-FB-02 the feedback missed or is missing: "refuse" (refused after 2
    working days), "request_info" (more information asked after 5), "answer" (answered after 15,
    or still open past it). Empty when every step was on time (for officials and indicator 5.2)."""
    now = now or timezone.now()
    late = []
    if feedback.refused_at is not None and feedback.refuse_due_at and feedback.refused_at > feedback.refuse_due_at:
        late.append("refuse")
    info_at, info_due = feedback.info_requested_at, feedback.request_info_due_at
    if info_at is not None and info_due is not None and info_at > info_due:
        late.append("request_info")
    if feedback.refused_at is None and feedback.answer_due_at is not None:
        closed = feedback.answered_at
        if (closed or now) > feedback.answer_due_at:
            late.append("answer")
    return late


def is_overdue(feedback: Any, now: datetime | None = None) -> bool:
    """Open past its answer limit, or any step taken late (for officials and the 5.2 indicator)."""
    return bool(late_steps(feedback, now))


def is_publication_overdue(feedback: Any, now: datetime | None = None) -> bool:
    """An answer the sender allowed to publish that is still not public past its limit."""
    if feedback.published or feedback.publish_due_at is None:
        return False
    return (now or timezone.now()) > feedback.publish_due_at


def overdue(rows: QuerySet[Any], now: datetime | None = None) -> QuerySet[Any]:
    """The feedback of `rows` that `is_overdue` flags, as one query: open past the answer limit, or
    answered, refused or asked for more information late."""
    now = now or timezone.now()
    from django.db.models import F

    return rows.filter(
        Q(answered_at__isnull=True, refused_at__isnull=True, answer_due_at__lt=now)
        | Q(answered_at__gt=F("answer_due_at"))
        | Q(refused_at__gt=F("refuse_due_at"))
        | Q(info_requested_at__gt=F("request_info_due_at"))
    )

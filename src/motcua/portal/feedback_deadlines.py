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


def is_overdue(feedback: Any, now: datetime | None = None) -> bool:
    """Unanswered past its answer limit, or answered late (for officials and the 5.2 indicator)."""
    if feedback.answer_due_at is None:
        return False
    if feedback.answered_at is not None:
        return bool(feedback.answered_at > feedback.answer_due_at)
    return (now or timezone.now()) > feedback.answer_due_at


def is_publication_overdue(feedback: Any, now: datetime | None = None) -> bool:
    """An answer the sender allowed to publish that is still not public past its limit."""
    if feedback.published or feedback.publish_due_at is None:
        return False
    return (now or timezone.now()) > feedback.publish_due_at


def overdue(rows: QuerySet[Any], now: datetime | None = None) -> QuerySet[Any]:
    """The feedback of `rows` past the answer limit: unanswered and overdue, or answered late."""
    now = now or timezone.now()
    from django.db.models import F

    return rows.filter(
        Q(answered_at__isnull=True, answer_due_at__lt=now) | Q(answered_at__gt=F("answer_due_at")),
        answer_due_at__isnull=False,
    )

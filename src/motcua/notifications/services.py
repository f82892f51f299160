"""Transactional outbox for notifications (DESIGN rule 6, ENGINEERING habit 5).

`enqueue()` writes an `OutboxMessage` inside the caller's transaction and, once that transaction
commits, enqueues the `deliver_message` task. `deliver()` claims one due message (SKIP LOCKED on
PostgreSQL, a conditional UPDATE elsewhere), sends it through its channel outside any transaction,
records a `DeliveryAttempt` and either marks it sent, schedules a retry with exponential backoff, or
marks it dead. `deliver_due()` is the periodic sweep that picks up anything the task queue missed.

Logs carry the message id, channel and outcome: never the recipient, the subject or the body.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.notifications.channels import DeliveryError, channel_state, enabled_channel_ids, registry
from motcua.notifications.models import DeliveryAttempt, OutboxMessage, Outcome, Status, related_of

logger = logging.getLogger("motcua.notifications")

DEFAULTS = {
    "MAX_ATTEMPTS": 8,
    "BACKOFF_BASE_SECONDS": 30,
    "BACKOFF_FACTOR": 2,
    "BACKOFF_CAP_SECONDS": 3600,
    "BACKOFF_JITTER": 0.1,
    "SENDING_LEASE_SECONDS": 600,
}


def conf(name: str) -> Any:
    """settings.MOTCUA["NOTIFICATIONS"][name], else the default above."""
    return getattr(settings, "MOTCUA", {}).get("NOTIFICATIONS", {}).get(name, DEFAULTS[name])


# --- enqueue ------------------------------------------------------------------------------------
def enqueue(
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    *,
    idempotency_key: str,
    related: Any = None,
    context: dict[str, Any] | None = None,
    html_body: str = "",
    template_key: str = "",
) -> OutboxMessage:
    """Write a message to the outbox inside the caller's transaction; a repeated idempotency key
    returns the message already there. Delivery is scheduled when the transaction commits."""
    if channel not in registry:
        raise ValidationFailed(_("Kênh thông báo “%(id)s” chưa được đăng ký.") % {"id": channel})
    if not recipient or not idempotency_key:
        raise ValidationFailed(_("Thông báo cần người nhận và khoá chống trùng."))
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    related_type, related_id = related_of(related)
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                subject=subject[:255],
                body=body,
                html_body=html_body,
                template_key=template_key,
                context=context or {},
                idempotency_key=idempotency_key,
                related_type=related_type,
                related_id=related_id,
            )
    except IntegrityError:
        # Another transaction inserted the same key between our read and our write.
        return OutboxMessage.objects.get(idempotency_key=idempotency_key)
    logger.info(
        "notification.enqueued",
        extra={
            "message_id": message.pk,
            "channel": channel,
            "template_key": template_key,
            "related_type": related_type,
        },
    )
    message_id = message.pk
    transaction.on_commit(lambda: schedule(message_id))
    return message


def enqueue_template(
    channel: str,
    recipient: str,
    key: str,
    context: dict[str, Any],
    *,
    idempotency_key: str,
    related: Any = None,
    language: str = "vi",
) -> OutboxMessage:
    """Render template `key` (see templating.py) and enqueue it."""
    from motcua.notifications.templating import render_notification

    subject, body = render_notification(key, context, language=language)
    return enqueue(
        channel,
        recipient,
        subject,
        body,
        idempotency_key=idempotency_key,
        related=related,
        context=context,
        template_key=key,
    )


def schedule(message_id: int, run_after: datetime | None = None) -> None:
    """Enqueue the delivery task. A failure here loses nothing: the sweep finds the row."""
    from motcua.notifications.tasks import deliver_message

    task = deliver_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # backends without run_after (immediate, dummy): the sweep retries
        task = task.using(run_after=run_after)
    try:
        task.enqueue(message_id)
    except Exception as exc:
        logger.warning("notification.schedule_failed", extra={"message_id": message_id, "error": type(exc).__name__})


# --- delivery -----------------------------------------------------------------------------------
def backoff_delay(attempt: int, *, jitter: float | None = None) -> timedelta:
    """Delay after failed attempt number `attempt` (1-based): base * factor**(attempt-1), times a
    random factor in [1-jitter, 1+jitter], capped."""
    base, factor = float(conf("BACKOFF_BASE_SECONDS")), float(conf("BACKOFF_FACTOR"))
    spread = conf("BACKOFF_JITTER") if jitter is None else jitter
    seconds = base * factor ** max(attempt - 1, 0) * random.uniform(1 - spread, 1 + spread)  # noqa: S311
    return timedelta(seconds=min(seconds, float(conf("BACKOFF_CAP_SECONDS"))))


def _claimable(now: datetime) -> Q:
    # pending/failed rows that are due, and `sending` rows whose worker lease ran out.
    return Q(status__in=[Status.PENDING, Status.FAILED, Status.SENDING], next_attempt_at__lte=now)


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    lease = now + timedelta(seconds=conf("SENDING_LEASE_SECONDS"))
    due = OutboxMessage.objects.filter(_claimable(now), pk=message_id)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            message = due.select_for_update(skip_locked=True).first()
            if message is None:
                return None
            message.status, message.attempts, message.next_attempt_at = Status.SENDING, message.attempts + 1, lease
            message.save(update_fields=["status", "attempts", "next_attempt_at"])
            return message
    # SQLite: whoever's UPDATE matches the row owns it.
    if not due.update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease):
        return None
    return OutboxMessage.objects.get(pk=message_id)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")


def scrub(text: str, message: OutboxMessage) -> str:
    """Remove the recipient, the body and anything shaped like an address or a phone number."""
    for secret in (message.recipient, message.body):
        if secret:
            text = text.replace(secret, "***")
    text = _PHONE.sub("***", _EMAIL.sub("***", text))
    return text[:500]


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """Try to deliver one message; returns the outcome: sent, failed, dead, disabled or skipped
    (not due, already taken by another worker, or no longer in the outbox)."""
    now = now or timezone.now()
    channel_id = OutboxMessage.objects.filter(pk=message_id).values_list("channel", flat=True).first()
    if channel_id is None:
        return "skipped"
    state = channel_state(channel_id)
    if not state.enabled:
        logger.info("notification.channel_disabled", extra={"message_id": message_id, "channel": channel_id})
        return "disabled"
    message = _claim(message_id, now)
    if message is None:
        return "skipped"
    started = time.monotonic()
    provider_id, error, retryable = "", "", True
    try:
        if state.channel is None or state.problem:
            raise DeliveryError(state.problem or "")
        provider_id = state.channel.send(message, state.options) or ""
    except DeliveryError as exc:
        error, retryable = scrub(exc.reason, message), exc.retryable
    except Exception as exc:  # a bug or an unexpected library error: retry, never crash the worker
        error = _("Lỗi không lường trước: %(e)s.") % {"e": type(exc).__name__}
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(message, now, provider_id, error, retryable, duration_ms)


def _record(message: OutboxMessage, now: datetime, provider_id: str, error: str, retryable: bool, ms: int) -> str:
    finished = max(timezone.now(), now)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message=message,
            attempted_at=now,
            outcome=Outcome.ERROR if error else Outcome.OK,
            error=error,
            provider_message_id=provider_id[:200],
            duration_ms=ms,
        )
        if not error:
            message.status, message.sent_at, message.next_attempt_at = Status.SENT, finished, None
            message.provider_message_id, message.last_error = provider_id[:200], ""
        elif not retryable or message.attempts >= conf("MAX_ATTEMPTS"):
            message.status, message.next_attempt_at, message.last_error = Status.DEAD, None, error
        else:
            message.status, message.last_error = Status.FAILED, error
            message.next_attempt_at = now + backoff_delay(message.attempts)
            retry_at, message_id = message.next_attempt_at, message.pk
            transaction.on_commit(lambda: schedule(message_id, run_after=retry_at))
        message.save(update_fields=["status", "sent_at", "next_attempt_at", "provider_message_id", "last_error"])
    outcome = {Status.SENT: "sent", Status.FAILED: "failed", Status.DEAD: "dead"}[Status(message.status)]
    logger.log(
        logging.INFO if outcome == "sent" else logging.WARNING,
        "notification.attempt",
        extra={
            "message_id": message.pk,
            "channel": message.channel,
            "outcome": outcome,
            "attempt": message.attempts,
            "duration_ms": ms,
            "error": error,
            "next_attempt_at": message.next_attempt_at,
        },
    )
    return outcome


def deliver_due(now: datetime | None = None, limit: int = 100) -> Counter[str]:
    """Deliver up to `limit` due messages of enabled channels, oldest due first. Safe to run in
    many workers at once: each message is claimed before it is sent."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_claimable(now), channel__in=enabled_channel_ids())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return Counter(deliver(message_id, now=now) for message_id in ids)


def retry_now(message_ids: Iterable[int]) -> int:
    """Make failed or dead messages (and pending ones) due at once; a dead message gets one more
    attempt. Returns how many were rescheduled."""
    now = timezone.now()
    count = 0
    for message in OutboxMessage.objects.filter(
        pk__in=list(message_ids), status__in=[Status.PENDING, Status.FAILED, Status.DEAD]
    ):
        message.status, message.next_attempt_at = Status.FAILED if message.attempts else Status.PENDING, now
        message.save(update_fields=["status", "next_attempt_at"])
        message_id = message.pk
        transaction.on_commit(lambda message_id=message_id: schedule(message_id))
        count += 1
    return count

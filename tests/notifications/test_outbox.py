"""Outbox rules (DESIGN rule 6, ENGINEERING habit 5): written in the business transaction,
idempotent, scheduled on commit, delivered by the django-tasks worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core.errors import ValidationFailed
from motcua.notifications import services
from motcua.notifications.models import ChannelConfig, DeliveryAttempt, FakeSmsMessage, OutboxMessage, Status
from tests.notifications.conftest import BODY, RECIPIENT_EMAIL, RECIPIENT_PHONE

pytestmark = pytest.mark.django_db


def _email(key="k-1", **kwargs):
    return services.enqueue("email", RECIPIENT_EMAIL, "Đã tiếp nhận hồ sơ", BODY, idempotency_key=key, **kwargs)


def test_enqueue_with_a_repeated_idempotency_key_returns_the_first_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = _email(related=("dossiers.dossier", "H01-250301-0001"))
        again = _email()
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert (first.related_type, first.related_id, first.status) == ("dossiers.dossier", "H01-250301-0001", "pending")


def test_rollback_leaves_no_message_and_no_task(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _email()
        raise RuntimeError("the business change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_commit_enqueues_the_delivery_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _email()
    task = DBTaskResult.objects.get()
    assert task.task_path == "motcua.notifications.tasks.deliver_message"
    assert task.args_kwargs["args"] == [message.pk]


def test_unknown_channel_or_missing_recipient_is_refused():
    with pytest.raises(ValidationFailed):
        services.enqueue("pigeon", RECIPIENT_EMAIL, "s", BODY, idempotency_key="x")
    with pytest.raises(ValidationFailed):
        services.enqueue("email", "", "s", BODY, idempotency_key="x")


def test_email_delivery_through_locmem_backend(locmem_email):
    message = _email(key="email-ok")
    assert services.deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1 and message.sent_at is not None
    [sent] = mail.outbox
    assert sent.to == [RECIPIENT_EMAIL] and sent.subject == "Đã tiếp nhận hồ sơ" and sent.body == BODY
    assert sent.extra_headers["Message-ID"] == message.provider_message_id
    assert sent.extra_headers["X-Motcua-Idempotency-Key"] == "email-ok"
    attempt = DeliveryAttempt.objects.get(message=message)
    assert attempt.outcome == "ok" and attempt.provider_message_id == message.provider_message_id


def test_a_sent_message_is_not_sent_again(locmem_email):
    message = _email()
    assert services.deliver(message.pk) == "sent"
    assert services.deliver(message.pk) == "skipped"
    assert services.deliver_due() == {}
    assert len(mail.outbox) == 1


def test_a_message_being_sent_is_skipped_until_its_lease_runs_out(locmem_email):
    message = _email()
    now = timezone.now()
    assert services._claim(message.pk, now) is not None
    assert services._claim(message.pk, now) is None  # another worker holds it
    assert services.deliver(message.pk, now=now) == "skipped"
    later = now + dt.timedelta(seconds=services.conf("SENDING_LEASE_SECONDS") + 1)
    assert services.deliver(message.pk, now=later) == "sent"  # the first worker died mid-send


def test_disabled_channel_keeps_messages_pending(locmem_email):
    ChannelConfig.objects.create(channel="email", enabled=False)
    message = _email()
    assert services.deliver(message.pk) == "disabled"
    assert services.deliver_due() == {}
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 0
    assert not DeliveryAttempt.objects.exists()
    ChannelConfig.objects.filter(channel="email").update(enabled=True)
    assert services.deliver_due() == {"sent": 1}


def test_fake_sms_channel_records_the_message():
    message = services.enqueue("fake_sms", RECIPIENT_PHONE, "", BODY, idempotency_key="sms-1")
    assert services.deliver(message.pk) == "sent"
    stored = FakeSmsMessage.objects.get()
    message.refresh_from_db()
    assert stored.recipient == RECIPIENT_PHONE and stored.provider_message_id == message.provider_message_id


def test_immediate_backend_delivers_on_commit(settings, locmem_email, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = _email()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1


def test_retry_now_gives_a_dead_message_one_more_attempt(locmem_email):
    message = _email()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.DEAD, attempts=8, next_attempt_at=None)
    assert services.retry_now([message.pk]) == 1
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.next_attempt_at <= timezone.now()
    assert services.deliver_due() == {"sent": 1}


def test_management_command_runs_one_sweep(locmem_email, capsys):
    _email()
    call_command("deliver_notifications", once=True)
    assert "sent=1" in capsys.readouterr().out
    assert OutboxMessage.objects.get().status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_db_worker_delivers_the_committed_message(locmem_email):
    with transaction.atomic():
        message = _email(key="worker-1")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_sweep_task_runs_through_django_tasks(settings, locmem_email):
    from motcua.notifications.tasks import deliver_due_notifications

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _email()
    result = deliver_due_notifications.enqueue()
    assert result.return_value == {"sent": 1}

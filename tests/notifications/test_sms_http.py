"""OS-LATE-03: SMS to the applicant through an HTTP gateway (real HTTP against a local fake),
with exponential backoff, one attempt row per try, and dead after the maximum."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.notifications import services
from motcua.notifications.models import ChannelConfig, DeliveryAttempt, OutboxMessage, Status
from tests.notifications.conftest import BODY, RECIPIENT_PHONE

pytestmark = pytest.mark.django_db


def _sms(key="sms-1", body=BODY):
    return services.enqueue("sms_http", RECIPIENT_PHONE, "", body, idempotency_key=key)


def _run_until_settled(message, limit=20):
    """Deliver at each due time (no sleeping: `now` jumps to next_attempt_at)."""
    outcomes = []
    for _ in range(limit):
        message.refresh_from_db()
        if message.status in (Status.SENT, Status.DEAD):
            break
        outcomes.append(services.deliver(message.pk, now=message.next_attempt_at))
    return outcomes


def test_os_late_03_sms_is_posted_to_the_gateway(gateway, sms_config):
    message = _sms()
    assert services.deliver(message.pk) == "sent"
    [received] = gateway.received
    assert received == {
        "to": RECIPIENT_PHONE,
        "text": BODY,
        "sender": "MOTCUA",
        "reference": "sms-1",
        "idempotency_key": "sms-1",
    }
    message.refresh_from_db()
    assert message.provider_message_id.startswith("gw-")
    assert gateway.api_key not in str(ChannelConfig.objects.values_list("options", flat=True)[0])


def test_failures_then_success_back_off_exponentially(gateway, sms_config):
    gateway.fail_next(3, status=503)
    message = _sms()
    assert _run_until_settled(message) == ["failed", "failed", "failed", "sent"]
    attempts = list(DeliveryAttempt.objects.filter(message=message))
    assert [a.outcome for a in attempts] == ["error", "error", "error", "ok"]
    assert all("HTTP 503" in a.error for a in attempts[:3])
    gaps = [(b.attempted_at - a.attempted_at).total_seconds() for a, b in zip(attempts, attempts[1:])]
    assert gaps[0] < gaps[1] < gaps[2]
    for n, gap in enumerate(gaps, start=1):  # base 30 s, factor 2, jitter 10 %
        assert 0.9 * 30 * 2 ** (n - 1) <= gap <= 1.1 * 30 * 2 ** (n - 1)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 4 and message.last_error == ""
    assert len(gateway.received) == 1 and gateway.requests == 4


def test_dead_after_max_attempts(gateway, sms_config, notification_settings):
    notification_settings(MAX_ATTEMPTS=3)
    gateway.fail_next(10, status=502)
    message = _sms()
    assert _run_until_settled(message) == ["failed", "failed", "dead"]
    message.refresh_from_db()
    assert message.status == Status.DEAD and message.next_attempt_at is None and message.attempts == 3
    assert DeliveryAttempt.objects.filter(message=message, outcome="error").count() == 3
    assert services.deliver_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == {}


def test_backoff_is_capped_at_one_hour():
    assert services.backoff_delay(30).total_seconds() == 3600
    assert 27 <= services.backoff_delay(1).total_seconds() <= 33


def test_client_error_is_not_retried(gateway, sms_config):
    gateway.fail_next(1, status=400)
    message = _sms()
    assert services.deliver(message.pk) == "dead"


def test_rate_limit_is_retried(gateway, sms_config):
    gateway.fail_next(1, status=429)
    assert services.deliver(_sms().pk) == "failed"


def test_wrong_api_key_is_refused_by_the_gateway(gateway, sms_config, monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_SMS_API_KEY", "sai-khoa")
    message = _sms()
    assert services.deliver(message.pk) == "dead"
    assert "HTTP 401" in OutboxMessage.objects.get().last_error


def test_unreachable_gateway_is_retried(gateway, sms_config):
    gateway.stop()
    message = _sms()
    assert services.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "Không kết nối được cổng SMS" in message.last_error


def test_missing_environment_variable_is_a_retryable_failure(gateway, sms_config, monkeypatch):
    monkeypatch.delenv("MOTCUA_TEST_SMS_API_KEY")
    message = _sms()
    assert services.deliver(message.pk) == "failed"
    assert gateway.requests == 0


def test_unaccented_option(gateway, sms_config):
    sms_config.options = {**sms_config.options, "unaccented": True}
    sms_config.save()
    services.deliver(_sms(body="Hồ sơ đã được tiếp nhận. Đề nghị ông bổ sung.").pk)
    assert gateway.received[0]["text"] == "Ho so da duoc tiep nhan. De nghi ong bo sung."


def test_gateway_deduplicates_a_resent_message(gateway, sms_config):
    """A worker that died after the gateway accepted the message re-sends it with the same
    idempotency key; the gateway answers with the first id and records nothing new."""
    message = _sms()
    services.deliver(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.PENDING)
    services.deliver(message.pk)
    assert len(gateway.received) == 1
    ids = set(DeliveryAttempt.objects.values_list("provider_message_id", flat=True))
    assert len(ids) == 1

"""GEN-04 / DESIGN "no PII in logs": delivery logs carry ids, channel and outcome, never the
recipient or the body; provider errors are scrubbed before they are stored or logged."""

from __future__ import annotations

import logging

import pytest

from motcua.core.logging import JsonFormatter
from motcua.notifications import services
from motcua.notifications.channels import Channel, DeliveryError, FakeSmsOptions, registry
from motcua.notifications.models import OutboxMessage
from tests.notifications.conftest import BODY, RECIPIENT_EMAIL, RECIPIENT_PHONE

pytestmark = pytest.mark.django_db

SUBJECT = "Kết quả hồ sơ của Nguyễn Văn A"


@pytest.fixture
def leaky_channel():
    """A channel whose provider echoes the recipient in its error (as SMTP servers do)."""

    @registry.register("leaky_test")
    class Leaky(Channel):
        options_schema = FakeSmsOptions
        enabled_by_default = True

        def send(self, message, options):
            raise DeliveryError(f"550 mailbox {message.recipient} unavailable; text was: {message.body}")

    yield
    registry.unregister("leaky_test")


def _formatted(caplog):
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def _assert_no_personal_data(lines):
    assert lines, "expected log lines"
    for line in lines:
        for secret in (RECIPIENT_EMAIL, RECIPIENT_PHONE, BODY, SUBJECT, "Nguyễn Văn A", "0912345678"):
            assert secret not in line


def test_gen_04_logs_never_contain_recipient_or_body(caplog, gateway, sms_config, locmem_email):
    caplog.set_level(logging.DEBUG)
    ok = services.enqueue("email", RECIPIENT_EMAIL, SUBJECT, BODY, idempotency_key="p-1")
    services.deliver(ok.pk)
    gateway.fail_next(1, status=500)
    sms = services.enqueue("sms_http", RECIPIENT_PHONE, SUBJECT, BODY, idempotency_key="p-2")
    services.deliver(sms.pk)
    lines = _formatted(caplog)
    _assert_no_personal_data(lines)
    attempts = [r for r in caplog.records if r.getMessage() == "notification.attempt"]
    expected = [(ok.pk, "email", "sent"), (sms.pk, "sms_http", "failed")]
    assert [(r.message_id, r.channel, r.outcome) for r in attempts] == expected


def test_gen_04_provider_errors_are_scrubbed(caplog, leaky_channel):
    caplog.set_level(logging.DEBUG)
    message = services.enqueue("leaky_test", RECIPIENT_EMAIL, SUBJECT, BODY, idempotency_key="p-3")
    assert services.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.last_error.startswith("550 mailbox *** unavailable")
    assert RECIPIENT_EMAIL not in message.delivery_attempts.get().error
    _assert_no_personal_data(_formatted(caplog))


def test_scrub_removes_addresses_and_phone_numbers():
    message = OutboxMessage(recipient="x@y.vn", body="secret body")
    text = services.scrub("to other@mail.vn, +84 912 345 678, 0987654321, x@y.vn: secret body", message)
    assert text == "to ***, ***, ***, ***: ***"


def test_str_of_a_message_has_no_personal_data():
    message = OutboxMessage(pk=7, channel="email", recipient=RECIPIENT_EMAIL, subject=SUBJECT, body=BODY)
    assert str(message) == "email #7"

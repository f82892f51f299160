"""Many workers, one outbox: each message is claimed by one worker only (SKIP LOCKED on
PostgreSQL; the conditional UPDATE fallback is covered in test_outbox)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.notifications import services
from motcua.notifications.models import DeliveryAttempt, FakeSmsMessage, OutboxMessage


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_send_each_message_once():
    for n in range(30):
        services.enqueue("fake_sms", f"09000000{n:02d}", "", "nội dung", idempotency_key=f"c-{n}")
    barrier = threading.Barrier(4)
    errors = []

    def sweep():
        try:
            barrier.wait()
            services.deliver_due(limit=100)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FakeSmsMessage.objects.count() == 30
    assert DeliveryAttempt.objects.count() == 30
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}

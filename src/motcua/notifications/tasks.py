"""Background tasks (django-tasks): delivery of one outbox message, and the periodic sweep."""

from __future__ import annotations

from django_tasks import task

from motcua.notifications import services


@task()
def deliver_message(message_id: int) -> str:
    """Enqueued when the business transaction commits (and again, deferred, for each retry)."""
    return services.deliver(message_id)


@task()
def deliver_due_notifications(limit: int = 100) -> dict[str, int]:
    """The sweep as a task, for schedulers that enqueue tasks periodically."""
    return dict(services.deliver_due(limit=limit))

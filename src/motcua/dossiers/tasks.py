"""Background tasks (django-tasks) of the dossiers app."""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers.watch import watch_deadlines


@task()
def watch_deadlines_task() -> dict[str, int]:
    """One deadline sweep (OS-LATE-04), for schedulers that enqueue tasks periodically."""
    return watch_deadlines().as_dict()

"""`motcua worker`: runs background tasks from the database queue (django-tasks)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background worker (many may run on many machines against PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue-name", default="*")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        kwargs: dict[str, Any] = {"queue_name": options["queue_name"], "interval": options["interval"]}
        if options["batch"]:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)

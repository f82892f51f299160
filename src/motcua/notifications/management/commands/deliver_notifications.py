"""`motcua deliver-notifications [--once]`: the outbox sweep (messages whose task was lost, retries
when the task backend cannot defer, channels that were just re-enabled)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications.services import deliver_due


class Command(BaseCommand):
    help = "Deliver due notifications from the outbox (once, or every --interval seconds)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run one sweep, then exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between sweeps.")
        parser.add_argument("--limit", type=int, default=100, help="Messages per sweep.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            outcomes = deliver_due(limit=options["limit"])
            if outcomes or options["verbosity"] > 1:
                summary = ", ".join(f"{name}={count}" for name, count in sorted(outcomes.items())) or "0"
                self.stdout.write(f"notifications: {summary}")
            if options["once"]:
                return
            if sum(outcomes.values()) < options["limit"]:
                time.sleep(options["interval"])

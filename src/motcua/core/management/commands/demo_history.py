from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.dossiers.demo_history import DEFAULT_COUNT, generate_history


class Command(BaseCommand):
    help = "Give the demo province a past: dossiers in every state, through the real services (first run only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help=f"Dossiers (default {DEFAULT_COUNT}).")
        parser.add_argument(
            "--beside-server",
            action="store_true",
            help="Leave room between dossiers for the writes of a server running on the same SQLite file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        generate_history(options["count"], log=self.stdout.write, share_writes=options["beside_server"])

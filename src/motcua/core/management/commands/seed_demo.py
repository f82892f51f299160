from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.demo.seed import seed_demo
from motcua.dossiers.demo_history import generate_history


class Command(BaseCommand):
    help = "Load the demo province (administrative units, agencies, officials, calendar, procedures)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password",
            help="Password for new demo accounts (default: MOTCUA_DEMO_PASSWORD "
            "or 'motcua-demo'). Existing accounts keep theirs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(password=options.get("password"), log=self.stdout.write)
        # A believable past for the worklists and reports (first run only; idempotent).
        generate_history(log=self.stdout.write)
        self.stdout.write("Demo province ready.")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.demo.seed import seed_demo
from motcua.dossiers.demo_history import DEFAULT_COUNT, generate_history


class Command(BaseCommand):
    help = "Load the demo province (administrative units, agencies, officials, calendar, procedures)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password",
            help="Password for new demo accounts (default: MOTCUA_DEMO_PASSWORD "
            "or 'motcua-demo'). Existing accounts keep theirs.",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_COUNT,
            help=f"Dossiers of demo history to generate on the first run (default {DEFAULT_COUNT}; 0 for none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(password=options.get("password"), log=self.stdout.write)
        # A believable past for the worklists and reports (first run only; idempotent).
        if options["history"] > 0:
            generate_history(options["history"], log=self.stdout.write)
        self.stdout.write("Demo province ready.")

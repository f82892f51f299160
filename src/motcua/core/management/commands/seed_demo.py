from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.demo.seed import seed_demo


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
        self.stdout.write("Demo province ready.")

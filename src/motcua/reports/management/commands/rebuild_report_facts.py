"""`motcua rebuild-report-facts`: recompute the report facts from the dossier events and the flow
tables from the facts (after installing the reports app on a database that already has dossiers,
after a restore, or whenever the figures are doubted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.reports.facts import rebuild_all


class Command(BaseCommand):
    help = "Recompute the report facts and flows from the dossier events."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_all()
        self.stdout.write(f"report facts rebuilt for {count} dossiers")

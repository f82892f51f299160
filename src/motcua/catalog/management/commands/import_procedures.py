"""`motcua import-procedures FILE [--publish] [--dry-run]`: load the national catalogue (OS-CAT-02)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.importer import format_error, import_procedures
from motcua.core.context import Actor, acting_as


class Command(BaseCommand):
    help = (
        "Import procedures from a JSON, CSV or XLSX file in the national catalogue layout "
        "(docs/import-format.md). All rows or none; prints one line per error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish new and changed versions.")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], help="Default: from the file suffix.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        actor = Actor(kind="application", name="import_procedures")
        with acting_as(actor):
            result = import_procedures(
                path,
                fmt=options["format"],
                publish=options["publish"],
                dry_run=options["dry_run"],
                raise_on_error=False,
            )
        for row, code, action in result.actions:
            if options["verbosity"] >= 2:
                self.stdout.write(f"row {row}: {code} {action}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(format_error(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        self.stdout.write(result.report_lines()[-1])

"""`motcua import-process FILE [--publish]`: load internal processes from YAML or JSON (OS-CAT-03)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.process_services import load_processes_file
from motcua.core.context import Actor, acting_as
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import internal processes from a YAML or JSON file (docs/processes.md): one process or "
        '{"processes": [...]}. All or nothing; unchanged processes are left alone.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the imported drafts.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        try:
            with acting_as(Actor(kind="application", name="import_process")):
                templates = load_processes_file(path, publish=options["publish"])
        except DomainError as exc:
            for error in exc.fields:
                self.stderr.write(f"{error.field}: {error.message}")
            raise CommandError(str(exc.message)) from None
        for template in templates:
            self.stdout.write(str(template))
        self.stdout.write(f"{len(templates)} process(es) imported.")

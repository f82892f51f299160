"""`motcua export-process PROCEDURE_CODE [--agency CODE] [--format yaml|json]` (OS-CAT-03)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.process_models import ProcessTemplate
from motcua.catalog.process_services import dumps, export_process, process_in_force
from motcua.core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Print the internal process of a procedure in force today (else its latest version) as YAML or "
        "JSON; --agency chooses an agency's own process (default: the one for any agency)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("procedure_code")
        parser.add_argument("--agency", default=None, help="Agency code (QCVN 102).")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--number", type=int, help="Export this version number instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        code, agency = options["procedure_code"], options["agency"]
        family = ProcessTemplate.objects.filter(procedure__procedure_code=code)
        family = family.filter(agency__code=agency) if agency else family.filter(agency=None)
        template: ProcessTemplate | None
        if options["number"]:
            template = family.filter(number=options["number"]).first()
        else:
            try:
                template = process_in_force(code, agency)
            except NotFound:
                template = family.order_by("-number").first()
            if template is not None and agency and template.agency_id is None:
                template = family.order_by("-number").first() or template
        if template is None:
            raise CommandError(f"no process for procedure {code}" + (f" at agency {agency}" if agency else ""))
        self.stdout.write(dumps(export_process(template), options["format"]), ending="")

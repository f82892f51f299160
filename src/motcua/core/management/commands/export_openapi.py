"""`motcua export-openapi [--check]`: write or check the committed openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


def generated_schema() -> str:
    from motcua.api.urls import api

    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document to openapi.json, or with --check fail when it differs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default="openapi.json")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        schema = generated_schema()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != schema:
                raise CommandError(f"{path} is out of date: run `motcua export-openapi` and commit it.")
            self.stdout.write(f"{path} matches the code.")
            return
        path.write_text(schema, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")

"""`motcua create-token --user NAME [--scopes a,b]`: prints the new token alone on its last line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core import tokens
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a scoped API token for a user; the token is shown once, on the last line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument(
            "--scopes",
            default="",
            help=f"Comma-separated, e.g. catalog:read,dossiers:write. Known: {', '.join(sorted(tokens.KNOWN_SCOPES))}.",
        )
        parser.add_argument("--name", default="")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        expires = None
        if options["expires_days"] is not None:
            expires = timezone.now() + timedelta(days=options["expires_days"])
        try:
            issued = tokens.create_token(options["user"], scopes, name=options["name"], expires_at=expires)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stderr.write(
            f"Token for {options['user']} with scopes [{', '.join(issued.token.scopes)}]; "
            "store it now, it is not shown again."
        )
        self.stdout.write(issued.plaintext)

"""`motcua expire-payments`: query stale pending payments, expire those past their deadline (INT-PAY-03)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.payments.services import expire_stale


class Command(BaseCommand):
    help = "Query pending payments older than 15 minutes and expire those past their deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_stale()
        self.stdout.write(f"{count} payment(s) expired.")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash-chained audit log; report the first broken link or say it is intact."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.checked} records verified.")
            return
        when = f" (recorded {report.occurred_at.isoformat()})" if report.occurred_at else ""
        raise CommandError(
            f"Audit chain BROKEN at record #{report.broken_seq}{when}: {report.problem}. "
            f"{report.checked} records before it are intact."
        )

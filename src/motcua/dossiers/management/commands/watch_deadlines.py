# mypy: allow-subclassing-any
"""`motcua watch-deadlines [--once] [--interval 300]`: due-soon and overdue alerts (OS-LATE-04).

Each sweep writes the alerts to the notifications outbox; `motcua worker` / `deliver-notifications`
send them. Repeated sweeps send nothing twice (idempotency keys per dossier, kind and due date).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from motcua.dossiers.watch import WatchResult, watch_deadlines

logger = logging.getLogger("motcua.dossiers")


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now: không đọc được thời điểm “{text}” (ISO 8601, có múi giờ).") from None
    if value.tzinfo is None:
        raise CommandError("--now: thời điểm phải có múi giờ, ví dụ 2025-07-16T09:00+07:00.")
    return value


class Command(BaseCommand):
    help = "Cảnh báo hồ sơ sắp đến hạn, quá hạn (một lần, hoặc mỗi --interval giây)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Chạy một lượt rồi dừng.")
        parser.add_argument("--interval", type=float, default=300.0, help="Số giây giữa hai lượt (mặc định 300).")
        parser.add_argument("--now", type=_instant, default=None, help="Thời điểm giả định (ISO 8601), cho thử nghiệm.")

    def _report(self, result: WatchResult, verbosity: int) -> None:
        if result.total or verbosity > 1:
            kinds = ", ".join(f"{kind}={count}" for kind, count in sorted(result.enqueued.items())) or "0"
            line = f"deadlines: scanned={result.scanned}, enqueued: {kinds}, already_sent={result.already_sent}"
            self.stdout.write(line)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                self._report(watch_deadlines(options["now"]), options["verbosity"])
            except Exception:
                if options["once"]:
                    raise
                # A long-running watcher survives a database hiccup; the next sweep catches up.
                logger.exception("dossier.deadline_watch_failed")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()  # between sweeps, as a request would: drop a broken or aged connection

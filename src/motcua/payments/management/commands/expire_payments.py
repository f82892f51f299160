"""`motcua expire-payments [--once] [--interval 60]`: query stale pending payments (PayGov-type),
expire those past their deadline (INT-PAY-03: pending > 15 min -> query)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from motcua.payments.services import expire_stale

logger = logging.getLogger("motcua.payments")


class Command(BaseCommand):
    help = "Tra cứu giao dịch chờ quá 15 phút, đánh dấu hết hạn giao dịch quá thời gian (một lần hoặc định kỳ)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Chạy một lượt rồi dừng.")
        parser.add_argument("--interval", type=float, default=60.0, help="Số giây giữa hai lượt (mặc định 60).")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                count = expire_stale()
                if count or options["verbosity"] > 1:
                    self.stdout.write(f"payments: expired={count}")
            except Exception:
                if options["once"]:
                    raise
                logger.exception("payment.expire_sweep_failed")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()

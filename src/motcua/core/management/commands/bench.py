"""`motcua bench`: run the benchmark suite in a scratch database and print a table.

The scratch database is created with Django's test-database machinery (a `test_` copy of the
configured database, or in-memory SQLite) so benchmarks never touch real data.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings

from motcua.core.bench import BenchResult

SUITES = [
    "motcua.core.bench_audit",
    "motcua.calendar.bench",
    "motcua.catalog.bench",
    "motcua.dossiers.bench",
    "motcua.workspace.bench",
    "motcua.reports.bench",
    "motcua.signing.bench",
    "motcua.portal.bench",
    "motcua.payments.bench",
]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


class Command(BaseCommand):
    help = "Run benchmarks against generated data in a scratch database; print a table (and --json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", action="append", default=[], help="Run only suites containing this text.")
        parser.add_argument("names", nargs="*", help="Same as --only: `motcua bench workspace`.")
        parser.add_argument("--json", dest="json_path", help="Also write the results to this JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["only"] + options["names"]
        suites = [s for s in SUITES if not wanted or any(o in s for o in wanted)]
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        # Files the benchmarks upload go to a scratch folder, like the rows to a scratch database.
        media = tempfile.mkdtemp(prefix="motcua-bench-media-")
        results: list[BenchResult] = []
        try:
            with override_settings(MEDIA_ROOT=media):
                for suite in suites:
                    self.stderr.write(f"running {suite} …")
                    results.extend(importlib.import_module(suite).run())
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            shutil.rmtree(media, ignore_errors=True)
        self._print(results)
        if options["json_path"]:
            payload = {
                "when": datetime.now(UTC).isoformat(),
                "database": connection.vendor,
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "results": [asdict(r) for r in results],
            }
            with open(options["json_path"], "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=2, ensure_ascii=False)

    def _print(self, results: list[BenchResult]) -> None:
        header = ("operation", "data size", "ops/s", "p50 ms", "p95 ms", "peak MB", "target", "note")
        rows = [
            (
                r.operation,
                r.data_size,
                _fmt(r.throughput_per_s, 0),
                _fmt(r.p50_ms, 2),
                _fmt(r.p95_ms, 2),
                _fmt(r.peak_mem_mb),
                r.target,
                r.note,
            )
            for r in results
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(f"database: {connection.vendor} ({settings.DATABASES['default']['ENGINE']})")
        self.stdout.write(line.format(*header))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))

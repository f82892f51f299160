"""Benchmark: audit-chain appends and verification speed."""

from __future__ import annotations

from motcua.core import audit
from motcua.core.bench import BenchResult, latencies_ms, percentile


def run() -> list[BenchResult]:
    samples = latencies_ms(lambda i: audit.record("update", "bench.thing", i, after={"n": i}), 2000)
    results = [
        BenchResult(
            "audit append (one record, own transaction)",
            "2,000 records",
            throughput_per_s=1000 / (sum(samples) / len(samples)),
            p50_ms=percentile(samples, 50),
            p95_ms=percentile(samples, 95),
        )
    ]
    verify = latencies_ms(lambda i: audit.verify_chain(), 3, warmup=0)
    checked = audit.verify_chain().checked
    results.append(
        BenchResult(
            "verify-audit (whole chain)",
            f"{checked:,} records",
            throughput_per_s=checked / (min(verify) / 1000),
            p50_ms=percentile(verify, 50),
        )
    )
    return results

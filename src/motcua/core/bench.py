"""Benchmark helpers for `motcua bench`. Numbers are measured, reported, never asserted in tests.

Each app may have a `bench.py` with `def run() -> list[BenchResult]`; `motcua bench` calls them
inside a scratch database (created and dropped by the command) after migrations.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class BenchResult:
    operation: str
    data_size: str
    throughput_per_s: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    peak_mem_mb: float | None = None
    target: str = ""
    note: str = ""


def latencies_ms(fn: Callable[[int], object], count: int, warmup: int = 20) -> list[float]:
    """Call `fn(i)` `count` times after `warmup` calls; return each call's wall time in ms."""
    for i in range(warmup):
        fn(i)
    samples = []
    for i in range(count):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]


def throughput(fn: Callable[[int], object], count: int) -> float:
    """Calls per second of `fn(i)` over `count` calls on one core."""
    started = time.perf_counter()
    for i in range(count):
        fn(i)
    return count / (time.perf_counter() - started)

"""Signing benchmarks for `motcua bench signing`: PAdES B-B signatures and verifications per second
on one core, for a one-page A5 receipt (targets from issue 6: 20 signatures/s, 50 verifications/s).

Throughput and latencies are wall-clock; the note gives the CPU time of this process per operation
(`time.process_time`), which a machine shared with other work does not inflate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from motcua.core.bench import BenchResult, latencies_ms, percentile, throughput


def _receipt() -> bytes:
    from weasyprint import HTML

    html = (
        "<html><head><style>@page { size: A5; margin: 12mm } body { font-family: 'Noto Serif' }</style></head>"
        "<body><h1>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h1><p>Mã hồ sơ: H56.01-250714-0001</p>"
        "<p>Ủy ban nhân dân phường Hạc Thành tiếp nhận hồ sơ của ông Nguyễn Văn An.</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _cpu_ms(fn: Callable[[int], object], count: int) -> float:
    start = time.process_time()
    for i in range(count):
        fn(i)
    return 1000 * (time.process_time() - start) / count


def _result(name: str, size: str, fn: Callable[[int], object], count: int, target: str) -> BenchResult:
    samples = latencies_ms(fn, count, warmup=5)
    rate = throughput(fn, count)
    cpu = _cpu_ms(fn, count)
    note = f"CPU {cpu:.1f} ms/op = {1000 / cpu:.0f}/s per core"
    return BenchResult(name, size, rate, percentile(samples, 50), percentile(samples, 95), target=target, note=note)


def run() -> list[BenchResult]:
    from motcua.signing.keys import pkcs12_signer
    from motcua.signing.pades import Visible, sign_pdf
    from motcua.signing.pki import DemoPKI
    from motcua.signing.verification import verify_pdf

    pki = DemoPKI.create()
    signer = pkcs12_signer(pki.issue("Văn thư UBND phường Hạc Thành").pkcs12(b"bench"), "bench")
    receipt = _receipt()
    size = f"A5 1 page, {len(receipt) // 1024} KB"
    results = []
    cases = {
        "PAdES B-B sign, no appearance": None,
        "PAdES B-B sign, form 01 line (dossier code, SIG-07)": Visible("attachment", notation="H56.01-250714-0001"),
        "PAdES B-B sign, attachment line 15/QĐ-UBND (SIG-04)": Visible("attachment", notation="15/QĐ-UBND"),
    }
    signed = b""
    for name, visible in cases.items():

        def sign(_i: int, visible=visible) -> bytes:
            return sign_pdf(receipt, signer, level="B-B", visible=visible)

        results.append(_result(name, size, sign, 40, "20/s on one core"))
        signed = sign(0)

    def verify(_i: int) -> object:
        return verify_pdf(signed, [pki.root.certificate], allow_fetching=False)

    results.append(_result("PAdES verify (integrity, chain, trust)", size, verify, 60, "50/s on one core"))
    return results

"""Payment benchmarks for `motcua bench payments`: start a payment, settle it by IPN, answer a replay.

Runs inside the scratch database `motcua bench` creates. The `vnpay` provider is pointed at a
placeholder gateway URL: starting a VNPay-type payment only signs a URL, and the IPNs are signed
here with the same secret, so no network is involved. `MOTCUA_BENCH_PAYMENTS` sets how many
dossiers are paid (default 300).
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.catalog import versioning
from motcua.catalog.models import Fee, Procedure, ProcedureVersion, RequiredDocument, Sector, ServiceMode
from motcua.core.bench import BenchResult, latencies_ms, percentile
from motcua.dossiers.applicants import Applicant
from motcua.dossiers.files import Upload
from motcua.dossiers.services import receive_dossier
from motcua.organizations.models import Agency, AgencyLevel
from motcua.payments import services
from motcua.payments.signing import vnpay_sign

SECRET = "bench-secret"  # noqa: S105 (a scratch database, no real gateway)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _dossiers(count: int) -> list[Any]:
    unit = Agency.objects.create(code="000.00.01.B98", name="Ủy ban nhân dân phường Bench", level=AgencyLevel.COMMUNE)
    procedure = Procedure.objects.create(procedure_code="1.999998", name="Đăng ký khai sinh")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Đăng ký khai sinh",
        sector=Sector.objects.create(code="B98-001", field_code="001", name="Hộ tịch"),
        time_limit_days=Decimal("3"),
        service_mode=ServiceMode.ONLINE_PARTIAL,
        channels=["counter", "online"],
        levels=["commune"],
        valid_from=timezone.localdate() - timedelta(days=30),
    )
    RequiredDocument.objects.create(version=version, code="GT01", name="Tờ khai", originals=1)
    Fee.objects.create(version=version, code="LP01", name="Lệ phí", amount=8_000)
    Fee.objects.create(version=version, code="P01", name="Phí", kind="fee", amount=5_000, channel="online", order=1)
    versioning.publish(version)
    applicant = Applicant(type="citizen", name="Nguyễn Văn An", id_number="038190001234", phone="0912345678")
    return [
        receive_dossier(
            procedure_code="1.999998",
            channel="online",
            receiving_unit=unit,
            applicant=applicant,
            components=[Upload(filename="to-khai.pdf", content=PDF, document_code="GT01", originals=1)],
        ).dossier
        for _ in range(count)
    ]


def _ipn(payment: Any) -> dict[str, str]:
    return vnpay_sign(
        {
            "vnp_TxnRef": payment.reference,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TransactionNo": f"9{payment.pk:08d}",
            "vnp_BankCode": "NCB",
        },
        SECRET,
    )


def run() -> list[BenchResult]:
    count = int(os.environ.get("MOTCUA_BENCH_PAYMENTS", "300"))
    settings.MOTCUA_PAYMENTS = {
        "vnpay": {"tmn_code": "BENCH", "hash_secret": SECRET, "pay_url": "https://gateway.invalid/pay"}
    }
    dossiers = _dossiers(count)
    payments: list[Any] = [None] * count

    def start(i: int) -> None:
        payments[i] = services.start_payment(
            dossier=dossiers[i], provider_code="vnpay", return_url="https://portal.invalid/r", client_ip="127.0.0.1"
        )

    started = latencies_ms(start, count, warmup=0)
    settled = latencies_ms(lambda i: services.handle_ipn("vnpay", _ipn(payments[i])), count, warmup=0)
    replayed = latencies_ms(lambda i: services.handle_ipn("vnpay", _ipn(payments[i])), count, warmup=0)
    size = f"{count} dossiers"
    return [
        BenchResult(
            "payment start (VNPay-type, signed redirect)", size, None, percentile(started, 50), percentile(started, 95)
        ),
        BenchResult(
            "IPN settles a payment (verify, settle, audit)",
            size,
            None,
            percentile(settled, 50),
            percentile(settled, 95),
        ),
        BenchResult("IPN replay answered 02", size, None, percentile(replayed, 50), percentile(replayed, 95)),
    ]

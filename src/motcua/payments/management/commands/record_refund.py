"""`motcua record-refund REFERENCE --reason "..."`: record that a paid online payment was refunded to
the payer outside the gateway (paid -> refunded, with an event and an audit record)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.context import Actor, acting_as
from motcua.core.errors import DomainError
from motcua.payments.models import Payment
from motcua.payments.services import record_refund


class Command(BaseCommand):
    help = "Ghi nhận đã hoàn tiền cho một giao dịch thanh toán trực tuyến (hoàn ngoài cổng thanh toán)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("reference", help="Mã tham chiếu của giao dịch.")
        parser.add_argument("--reason", required=True, help="Lý do hoàn tiền (ghi vào nhật ký).")
        parser.add_argument("--by", default="record-refund", help="Ai ghi nhận (tên đăng nhập hoặc bộ phận).")

    def handle(self, *args: Any, **options: Any) -> None:
        payment = Payment.objects.filter(reference=options["reference"].strip()).first()
        if payment is None:
            raise CommandError("Không tìm thấy giao dịch.")
        with acting_as(Actor(kind="system", name=options["by"], request_id="record-refund")):
            try:
                record_refund(payment, by=options["by"], reason=options["reason"])
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"refunded {payment.reference}")

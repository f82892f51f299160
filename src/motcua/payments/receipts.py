"""Biên lai (payment receipt) of a paid online payment: plain data, then an A5 PDF (OS-FEE-01: proof
travels with the dossier). Rendered with the forms' network-free WeasyPrint helper."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.dossiers.forms.render import html_to_pdf
from motcua.payments.models import Payment, PaymentState


def receipt_data(payment: Payment) -> dict[str, Any]:
    """What the receipt says; raises ValueError for a payment that is not paid."""
    if payment.state != PaymentState.PAID or payment.paid_at is None:
        raise ValueError("only a paid payment has a receipt")
    dossier = payment.dossier
    return {
        "number": payment.receipt_number,
        "agency": dossier.competent_agency.name,
        "agency_code": dossier.competent_agency.code,
        "dossier_code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "payer": dossier.applicant_name,
        "lines": payment.fee_lines,
        "amount": payment.amount,
        "provider": payment.provider,
        "provider_txn_id": payment.provider_txn_id,
        "bank_code": payment.bank_code,
        "reference": payment.reference,
        # Printed forms use `HH:mm dd/MM/yyyy` local time (formats.md §1).
        "paid_at": timezone.localtime(payment.paid_at).strftime("%H:%M %d/%m/%Y"),
    }


def receipt_pdf(payment: Payment) -> bytes:
    html = render_to_string("payments/receipt.html", {"r": receipt_data(payment)})
    return html_to_pdf(html)

"""HTTP API of this app, mounted by motcua.api.urls at /api/v1/payments (OS-FEE-*, INT-PAY-*)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.api.auth import token_or_session
from motcua.api.schemas import ErrorOut
from motcua.core.errors import Forbidden
from motcua.dossiers import services as dossier_services
from motcua.dossiers.permissions import READ_SCOPE, require_scope, roles_for
from motcua.payments import services
from motcua.payments.providers import enabled_providers

router = Router()
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ProviderOut(Schema):
    code: str
    label: str


class FeeLineOut(Schema):
    code: str
    name: str
    kind: str
    amount: int


class PaymentOut(Schema):
    reference: str
    provider: str
    amount: int
    state: str
    fee_lines: list[FeeLineOut]
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    provider_txn_id: str
    receipt_number: str | None


class DossierPaymentsOut(Schema):
    dossier_code: str
    state: str
    fees_due: int
    payments: list[PaymentOut]


@router.get("/providers", response=list[ProviderOut], summary="Cổng thanh toán đang bật")
def list_providers(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": provider.id, "label": str(provider.label)} for provider in enabled_providers()]


@router.get(
    "/dossiers/{code}",
    auth=token_or_session,
    response={200: DossierPaymentsOut, **READ_ERRORS},
    summary="Thanh toán phí, lệ phí của một hồ sơ (cán bộ của cơ quan xử lý)",
)
def dossier_payments(request: HttpRequest, code: str) -> dict[str, Any]:
    require_scope(request, READ_SCOPE)
    dossier = dossier_services.get_dossier(code)
    if not roles_for(dossier, request.user):
        raise Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại cơ quan xử lý hồ sơ này."))
    return {
        "dossier_code": dossier.code,
        "state": services.payment_state(dossier),
        "fees_due": services.fees_due(dossier),
        "payments": services.payments_of(dossier),
    }

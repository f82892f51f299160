"""Thin web views: the browser return page, the provider notification endpoint, the officials' view."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import ratelimit
from motcua.core.errors import NotFound, TooManyRequests
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import roles_for
from motcua.payments import receipts, services
from motcua.payments.models import Payment
from motcua.payments.providers import get_provider

MAX_CALLBACK_BYTES = 16 * 1024


@require_GET
@never_cache
def return_page(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the gateway sends the browser back: shows what we know; the IPN decides (INT-PAY-03)."""
    try:
        # Every return is stored, so anonymous callers are limited per address.
        ratelimit.enforce(request, "payment-return", getattr(settings, "MOTCUA_PAYMENTS_RETURN_RATE", "60/m"))
        payment = services.handle_return(provider, request.GET)
    except TooManyRequests:
        response = render(request, "payments/return_unknown.html", {"limited": True}, status=429)
        response["Retry-After"] = "60"
        return response
    except NotFound:
        return render(request, "payments/return_unknown.html", status=404)
    return render(request, "payments/return.html", {"payment": payment, "back_url": _dossier_url(payment)})


def _dossier_url(payment: Payment) -> str:
    """The citizen's dossier page in the portal when it exists, else the home page."""
    try:
        return reverse("portal:dossier", args=[payment.dossier.code])
    except NoReverseMatch:
        return "/"


@require_GET
@never_cache
def status_fragment(request: HttpRequest, reference: str) -> HttpResponse:
    """The payment state for the return page to poll (htmx); the reference is unguessable and the
    fragment carries no personal data."""
    payment = get_object_or_404(Payment.objects.select_related("dossier"), reference=reference)
    return render(request, "payments/_status.html", {"payment": payment})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest, provider: str) -> HttpResponse:
    """Server-to-server notification (VNPay-type: GET query; PayGov-type: POST form or JSON).
    No session, no CSRF: the message is authenticated by its signature or by our own query."""
    if not _from_allowed_address(request, provider):
        # Not recorded: an allow-list exists to keep floods of forged calls out of the database.
        return JsonResponse({"RspCode": "99", "Message": "Forbidden"}, status=403)
    params: object = request.GET
    if request.method == "POST":
        body = request.body[: MAX_CALLBACK_BYTES + 1]
        if len(body) > MAX_CALLBACK_BYTES:
            return JsonResponse({"RspCode": "99", "Message": "Too large"}, status=413)
        if request.content_type == "application/json":
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                data = {}
            params = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        else:
            params = request.POST
    try:
        body_out, status = services.handle_ipn(provider, params)  # type: ignore[arg-type]
    except NotFound:
        return JsonResponse({"RspCode": "99", "Message": "Unknown provider"}, status=404)
    return JsonResponse(body_out, status=status)


def _from_allowed_address(request: HttpRequest, provider: str) -> bool:
    """Providers publish the addresses their notifications come from; `ipn_allowed_ips` (comma-separated,
    empty = any) keeps every other caller out."""
    try:
        allowed = str(get_provider(provider).options.get("ipn_allowed_ips") or "")
    except KeyError:
        return True  # unknown provider: answered 404 below
    addresses = {item.strip() for item in allowed.split(",") if item.strip()}
    return not addresses or request.META.get("REMOTE_ADDR", "") in addresses


def _dossier_for_official(request: HttpRequest, code: str) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("competent_agency", "receiving_unit"), code=code)
    if not request.user.is_superuser and not roles_for(dossier, request.user):
        # Same answer as a missing dossier: no hint that the code exists elsewhere.
        raise Http404
    return dossier


@login_required
@require_GET
def dossier_payments(request: HttpRequest, code: str) -> HttpResponse:
    """Officials of the dossier's agencies see its payments, every callback received and the receipts."""
    dossier = _dossier_for_official(request, code)
    context = {
        "dossier": dossier,
        "payments": services.payments_of(dossier),
        "state": services.payment_state(dossier),
        "fees_due": services.fees_due(dossier),
    }
    return render(request, "payments/dossier_payments.html", context)


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """Biên lai of a paid payment as PDF, for officials of the dossier's agencies."""
    dossier = _dossier_for_official(request, code)
    payment = get_object_or_404(Payment, dossier=dossier, reference=reference, state="paid")
    pdf = receipts.receipt_pdf(payment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.reference}.pdf"'
    return response

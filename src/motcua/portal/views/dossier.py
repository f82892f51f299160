"""The owner's dossier page (receipt, timeline, pay, supplement, result, rating) and public tracking."""

from __future__ import annotations

import hmac
import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotFound, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.form_data import return_place, time_limit_text, tracking_url
from motcua.dossiers.forms import qr_svg
from motcua.dossiers.schemas import status_label
from motcua.dossiers.vocabulary import ACTION_LABELS, Action, DossierState
from motcua.portal import aftercare, submission
from motcua.portal.models import DeliveryMethod, Satisfaction
from motcua.portal.views.common import citizen_required, error_page, field_errors, limited

LOOKUP_GROUP = "public-dossier-lookup"  # shared with GET /api/v1/public/dossiers/{code}


def _lookup_rate() -> str:
    from django.conf import settings

    return str(settings.MOTCUA.get("PUBLIC_LOOKUP_RATE", "30/m"))


def _timeline(dossier) -> list[dict]:
    rows = []
    for event in dossier.events.order_by("seq").only("seq", "occurred_at", "action", "to_state", "reason"):
        try:
            label = ACTION_LABELS[Action(event.action)][0]
        except (ValueError, KeyError):
            label = event.action
        rows.append(
            {"at": event.occurred_at, "label": label, "state": status_label(event.to_state), "reason": event.reason}
        )
    return rows


def _payments():
    try:
        from motcua.payments import services as payments
    except ImportError:  # the payments app is optional for the portal
        return None
    return payments


def _state_label(state: str) -> str:
    from motcua.payments.models import PaymentState

    try:
        return str(PaymentState(state).label)
    except ValueError:
        return state


def _context(request: HttpRequest, dossier, errors: dict[str, str] | None = None) -> dict:
    payments = _payments()
    due = payments.fees_due(dossier) if payments else 0
    state = payments.payment_state(dossier) if payments else "none"
    url = tracking_url(dossier.code)
    return {
        "dossier": dossier,
        "status": status_label(dossier.status),
        "submission": dossier.portal_submission,
        "components": list(dossier.components.filter(kind="submitted").only("name", "filename", "originals", "copies")),
        "time_limit": time_limit_text(dossier.procedure_version),
        "return_place": return_place(dossier),
        "qr": qr_svg(url),
        "tracking_url": url,
        "timeline": _timeline(dossier),
        "fees_due": due,
        "payment_state": state,
        "providers": payments.provider_choices() if payments and due else [],
        "payment_state_label": _state_label(state),
        "supplement_items": aftercare.supplement_items(dossier),
        "can_withdraw": aftercare.can_withdraw(dossier),
        "supplement_reason": aftercare.supplement_reason(dossier),
        "results": aftercare.result_files(dossier),
        "issued_forms": aftercare.issued_forms(dossier),
        "finished": dossier.status in aftercare.FINISHED,
        "delivery": getattr(dossier, "portal_delivery", None),
        "delivery_methods": DeliveryMethod.choices,
        "rating": getattr(dossier, "portal_rating", None),
        "criteria": aftercare.CRITERIA,
        "satisfaction": Satisfaction.choices,
        "errors": errors or {},
    }


@citizen_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = submission.owned_dossier(request.user, code)
    except NotFound as exc:
        return error_page(request, exc)
    return render(request, "portal/dossier.html", _context(request, dossier))


def _act(request: HttpRequest, code: str, action) -> HttpResponse:
    try:
        dossier = submission.owned_dossier(request.user, code)
    except NotFound as exc:
        return error_page(request, exc)
    try:
        response = action(dossier)
    except ValidationFailed as exc:
        context = _context(request, dossier, field_errors(exc) or {"form": str(exc.message)})
        return render(request, "portal/dossier.html", context, status=422)
    except DomainError as exc:
        return error_page(request, exc)
    return response or redirect("portal:dossier", code=dossier.code)


@citizen_required
@require_POST
def pay(request: HttpRequest, code: str) -> HttpResponse:
    payments = _payments()
    if payments is None:
        raise Http404

    def go(dossier):
        # The citizen's choice among the enabled providers; an unknown or disabled one is refused.
        provider = str(request.POST.get("provider", "")).strip()[:30]
        if not provider:
            offered = payments.provider_choices()
            provider = offered[0][0] if offered else "vnpay"
        payment = payments.start_payment(
            dossier=dossier,
            provider_code=provider,
            return_url=payments.return_url_for(request, provider),
            client_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
        )
        return redirect(payment.redirect_url)

    return _act(request, code, go)


@citizen_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    def go(dossier):
        aftercare.submit_supplement(dossier, request.user, request.FILES)
        messages.success(request, _("Đã gửi hồ sơ bổ sung."))

    return _act(request, code, go)


@citizen_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    def go(dossier):
        aftercare.withdraw(dossier, request.user, request.POST.get("reason", ""))
        messages.success(request, _("Đã rút hồ sơ."))

    return _act(request, code, go)


@citizen_required
@require_POST
def delivery(request: HttpRequest, code: str) -> HttpResponse:
    def go(dossier):
        aftercare.choose_delivery(dossier, request.POST.get("method", ""), request.POST.get("address", ""))
        messages.success(request, _("Đã ghi nhận hình thức nhận kết quả."))

    return _act(request, code, go)


@citizen_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    def go(dossier):
        criteria = {key: request.POST.get(f"criterion_{key}", "") for key, _label in aftercare.CRITERIA}
        aftercare.rate(dossier, request.POST.get("overall", ""), criteria, request.POST.get("comment", ""))
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))

    return _act(request, code, go)


def _owned_download(request: HttpRequest, code: str, pk: int, files_of) -> HttpResponse:
    """One of `files_of(dossier)` as a download, for the dossier's owner only."""
    try:
        dossier = submission.owned_dossier(request.user, code)
    except NotFound as exc:
        return error_page(request, exc)
    component = next((c for c in files_of(dossier) if c.pk == pk), None)
    if component is None:
        raise Http404
    return FileResponse(component.file.open("rb"), as_attachment=True, filename=component.filename)


@citizen_required
def result_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _owned_download(request, code, pk, aftercare.result_files)


@citizen_required
def issued_form(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A form the agency issued for this dossier, the stored (signed) copy."""
    return _owned_download(request, code, pk, aftercare.issued_forms)


# --- public tracking (PTL-TRACK-01) -------------------------------------------------------------
def track_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip()[:60]
    if code:
        return redirect("portal:track", code=code)
    return render(request, "portal/track_form.html")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def track(request: HttpRequest, code: str) -> HttpResponse:
    """Status and dates for anyone with the code (the QR on the receipt lands here); the timeline
    with the applicant's phone number as a second factor, or for the signed-in owner."""
    refused = limited(request, LOOKUP_GROUP, _lookup_rate())
    if refused:
        return refused
    try:
        dossier = dossier_services.get_dossier(code)
    except NotFound as exc:
        return render(request, "portal/track_form.html", {"error": str(exc.message), "code": code}, status=404)
    owner = request.user.is_authenticated and dossier_services_owner(request.user, dossier)
    verified, phone_error = False, ""
    if request.method == "POST":
        given, stored = _digits(request.POST.get("phone", "")), _digits(dossier.applicant_phone)
        verified = bool(stored) and hmac.compare_digest(given.encode(), stored.encode())
        if not verified:
            phone_error = _("Số điện thoại không khớp với hồ sơ.")
    context = {
        "dossier": dossier,
        "status": status_label(dossier.status),
        "owner": owner,
        "owner_url": reverse("portal:dossier", args=[dossier.code]) if owner else "",
        "details": verified,
        "timeline": _timeline(dossier) if verified else [],
        "phone_error": phone_error,
        "finished": dossier.status in {DossierState.RESOLVED, DossierState.RETURNED},
    }
    return render(request, "portal/track.html", context, status=400 if phone_error else 200)


def dossier_services_owner(user, dossier) -> bool:
    from motcua.portal.models import Submission

    return Submission.objects.filter(user=user, dossier=dossier).exists()

"""Phản ánh, kiến nghị (PTL-FB-01): send with a tracking number, follow it, read published answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.errors import ValidationFailed
from motcua.portal import aftercare
from motcua.portal.models import Feedback
from motcua.portal.views.common import FEEDBACK_RATE, field_errors, limited

FIELDS = ("sender_name", "sender_email", "subject", "content", "dossier_code")


def send(request: HttpRequest) -> HttpResponse:
    values, errors = {}, {}
    if request.method == "POST":
        refused = limited(request, "portal-feedback", FEEDBACK_RATE)
        if refused:
            return refused
        values = {name: request.POST.get(name, "") for name in FIELDS}
        try:
            feedback = aftercare.send_feedback(
                user=request.user, allow_publication=request.POST.get("allow_publication") == "on", **values
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            return render(request, "portal/feedback_sent.html", {"feedback": feedback})
    published = Feedback.objects.filter(published=True).only("number", "subject", "answer", "answered_at")[:20]
    return render(
        request,
        "portal/feedback.html",
        {"values": values, "errors": errors, "published": published},
        status=422 if errors else 200,
    )


def follow(request: HttpRequest) -> HttpResponse:
    """Look a feedback up by its number (POST, so the number does not sit in logs of URLs)."""
    feedback, error = None, ""
    if request.method == "POST":
        refused = limited(request, "portal-feedback-lookup", "30/m")
        if refused:
            return refused
        number = request.POST.get("number", "").strip().upper()[:30]
        feedback = Feedback.objects.filter(number=number).first()
        if feedback is None:
            error = "not_found"
    return render(
        request, "portal/feedback_follow.html", {"feedback": feedback, "error": error}, status=404 if error else 200
    )

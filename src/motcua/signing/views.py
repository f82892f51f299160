"""The public verification page (SIG-09): anyone uploads a PDF and reads a report per signature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from motcua.core import ratelimit
from motcua.core.errors import DomainError
from motcua.signing.api import verify_rate
from motcua.signing.models import TrustedRoot
from motcua.signing.reports import read_upload
from motcua.signing.verification import verify_pdf


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    context: dict = {"roots": TrustedRoot.objects.filter(is_active=True).order_by("name")}
    status = 200
    if request.method == "POST":
        try:
            ratelimit.enforce(request, "signature-verify", verify_rate())
            upload = request.FILES.get("file")
            context["report"] = verify_pdf(read_upload(upload))
            context["filename"] = upload.name[:200]
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status
    return render(request, "signing/verify.html", context, status=status)

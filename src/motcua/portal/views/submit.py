"""Online submission: e-form with attachments, draft, review, submit, receipt (OS-INTAKE-03/06)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers.files import ACCEPTED, MAX_FILE_BYTES
from motcua.portal import eform_record, eforms, submission
from motcua.portal.views.common import citizen_required, error_page


@citizen_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        draft = submission.new_draft(request.user, code)
    except DomainError as exc:
        return error_page(request, exc)
    return redirect("portal:draft", pk=draft.pk)


def _form_context(view: submission.DraftView, errors: dict[str, str]) -> dict:
    draft = view.draft
    errors = {(key.replace(".", "_") if key.startswith("applicant.") else key): value for key, value in errors.items()}
    files = {row.document_key: row for row in draft.files.all()}
    documents = [
        {
            "field": field,
            "document": doc,
            "required": required,
            "file": files.get(submission.document_key(doc)),
            "error": errors.get(field, ""),
        }
        for field, doc, required in view.attachments()
    ]
    form_document = eform_record.form_document(view.version, view.form)
    return {
        "view": view,
        "draft": draft,
        "version": view.version,
        "form_title": view.form.title,
        "fields": eforms.render_fields(view.form, draft.data.get("form", {}), errors),
        "applicant": draft.data.get("applicant", {}),
        "documents": documents,
        "form_document": form_document,
        "agencies": list(view.version.agencies.all()[:500]),
        "errors": errors,
        "accept": ",".join(f".{ext}" for ext in sorted(ACCEPTED)),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }


def _open_unsubmitted(request: HttpRequest, pk: int) -> tuple[Any, HttpResponse | None]:
    """The citizen's draft `pk`, or the response to give instead: an error page when it is not
    theirs, their dossier's page once it has been filed."""
    try:
        view = submission.open_draft(request.user, pk)
    except DomainError as exc:
        return None, error_page(request, exc)
    if view.draft.submitted_code:
        return view, redirect("portal:dossier", code=view.draft.submitted_code)
    return view, None


@citizen_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    view, elsewhere = _open_unsubmitted(request, pk)
    if elsewhere is not None:
        return elsewhere
    errors: dict[str, str] = {}
    if request.method == "POST":
        problems = submission.save(view, request.POST, request.FILES)
        errors = {p.field: str(p.message) for p in problems}
        if not problems and request.POST.get("next") == "review":
            return redirect("portal:review", pk=pk)
        if not problems:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("portal:draft", pk=pk)
    return render(request, "portal/draft.html", _form_context(view, errors), status=422 if errors else 200)


@citizen_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    view, elsewhere = _open_unsubmitted(request, pk)
    if elsewhere is not None:
        return elsewhere
    problems = submission.review_errors(view)
    if problems:
        errors = {p.field: str(p.message) for p in problems}
        context = _form_context(view, errors)
        context["summary"] = [str(p.message) for p in problems]
        return render(request, "portal/draft.html", context, status=422)
    # The declaration the officials will read, rendered now so the citizen can open it and the
    # submit reuses it.
    submission.declaration_pdf(view)
    context = {
        "view": view,
        "draft": view.draft,
        "version": view.version,
        "rows": eforms.display(view.form, view.draft.data.get("form", {})),
        "applicant": view.draft.data.get("applicant", {}),
        "files": list(view.draft.files.all()),
        "record_filename": eform_record.RECORD_FILENAME,
    }
    return render(request, "portal/review.html", context)


@citizen_required
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's declaration PDF (its current answers), for the citizen to check before filing."""
    view, elsewhere = _open_unsubmitted(request, pk)
    if elsewhere is not None:
        return elsewhere
    response = HttpResponse(submission.declaration_pdf(view), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{eform_record.RECORD_FILENAME}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@citizen_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = submission.open_draft(request.user, pk)
        # The key in the page must be this draft's: a stale tab of another draft cannot file this one.
        if request.POST.get("idempotency_key") != view.draft.idempotency_key:
            raise ValidationFailed(_("Phiên nộp hồ sơ không hợp lệ; vui lòng tải lại trang."))
        dossier = submission.submit(view, request.user)
    except ValidationFailed as exc:
        if exc.fields:
            return redirect("portal:review", pk=pk)
        return error_page(request, exc)
    except DomainError as exc:
        return error_page(request, exc)
    return redirect("portal:dossier", code=dossier.code)

"""Signing a dossier's result from the workspace (/can-bo/ho-so/<code>/ky-so/): the leader signs
the result document with their personal certificate; the clerk (văn thư) issues it with the
agency's signature and seal. The pages only choose the file and call `motcua.signing.dossiers`,
which checks roles, certificates and states and records each signature as a dossier event."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, DomainError, FieldError, Forbidden, NotFound, ValidationFailed
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import roles_for
from motcua.dossiers.states import ResultKind
from motcua.signing import dossiers as signing
from motcua.signing import services as signing_services
from motcua.workspace.common import field_errors, official_required
from motcua.workspace.views_lists import forbidden_page

MAX_RESULT_BYTES = 20 * 1024 * 1024


def _modes(dossier: Dossier, user: Any, two_acts: bool) -> dict[str, bool]:
    """What this official may do here: sign as the competent leader, and/or issue as the clerk
    (only where the process has the clerk's step, `two_acts`)."""
    roles = roles_for(dossier, user)
    leader = dossier.status == "in_process" and any(r in roles for r in signing.LEADER_ROLES)
    clerk = dossier.status == "in_process" and "clerk" in roles and two_acts
    return {"leader": leader, "clerk": clerk}


def _drafts(dossier: Dossier) -> list[Any]:
    """PDFs officials attached while processing (the draft result is one of them)."""
    return list(
        dossier.components.filter(kind="attachment", content_type="application/pdf")
        .order_by("-added_by_event", "-id")
        .only("id", "name", "filename", "added_by_event", "signatures")
    )


def _context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    two_acts = signing.has_clerk_step(dossier)
    modes = _modes(dossier, request.user, two_acts)
    official = getattr(request.user, "official", None)
    return {
        "dossier": dossier,
        "modes": modes,
        "two_acts": two_acts,
        "certificate": signing_services.personal_certificate(official) if official and modes["leader"] else None,
        "drafts": _drafts(dossier) if modes["leader"] else [],
        "signed_result": signing.leader_signed_result(dossier) if modes["clerk"] else None,
        "result_kinds": [(ResultKind.APPROVAL.value, _("Chấp thuận")), (ResultKind.REFUSAL.value, _("Từ chối"))],
        "errors": {},
        "typed": {},
        **extra,
    }


def _dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        dossier = services.get_dossier(code)
    except NotFound:
        raise Http404(code) from None
    if not roles_for(dossier, request.user):
        raise Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại cơ quan xử lý hồ sơ này."))
    return dossier


def _result_pdf(request: HttpRequest, dossier: Dossier) -> tuple[bytes, str]:
    """The document to sign: an uploaded PDF, or a PDF already attached to the dossier."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > MAX_RESULT_BYTES:
            message = _("Tệp quá lớn (tối đa 20 MB).")
            raise ValidationFailed(message, fields=[FieldError("file", "too_large", message)])
        return upload.read(), "ket-qua-giai-quyet.pdf"
    chosen = str(request.POST.get("draft", ""))
    draft = next((d for d in _drafts(dossier) if str(d.pk) == chosen), None)
    if draft is None:
        message = _("Chọn dự thảo kết quả đã đính kèm hoặc tải lên tệp PDF cần ký.")
        raise ValidationFailed(message, fields=[FieldError("file", "required", message)])
    with draft.file.open("rb") as fh:
        return fh.read(), "ket-qua-giai-quyet.pdf"


@official_required
def sign_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = _dossier(request, code)
    except Forbidden as error:
        return forbidden_page(request, error)
    context = _context(request, dossier)
    if not (context["modes"]["leader"] or context["modes"]["clerk"]):
        messages.error(request, _("Bạn không có việc ký số nào với hồ sơ này lúc này."))
        return redirect("workspace:dossier", code=dossier.code)
    if request.method != "POST":
        return render(request, "workspace/sign.html", context)

    act = request.POST.get("act", "")
    typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        if act == "leader" and context["modes"]["leader"]:
            content, filename = _result_pdf(request, dossier)
            reason = str(request.POST.get("reason", ""))[:200]
            if context["two_acts"]:
                signing.sign_result_as_leader(dossier, content, request.user, filename=filename, reason=reason)
                done = _("Đã ký số kết quả. Chuyển hồ sơ cho văn thư để đóng dấu và phát hành.")
            else:
                kind = request.POST.get("result_kind") or ResultKind.APPROVAL.value
                signing.resolve_with_signed_result(
                    dossier, content, request.user, result_kind=kind, filename=filename, reason=reason
                )
                done = _("Đã ký số (lãnh đạo và cơ quan) và ban hành kết quả.")
        elif act == "clerk" and context["modes"]["clerk"]:
            kind = request.POST.get("result_kind") or ResultKind.APPROVAL.value
            signing.issue_signed_result(
                dossier, request.user, notation=str(request.POST.get("notation", ""))[:60], result_kind=kind
            )
            done = _("Đã đóng dấu, ký số của cơ quan và phát hành kết quả.")
        else:
            raise Conflict("action_not_allowed", _("Bạn không có việc ký số này với hồ sơ này lúc này."))
    except ValidationFailed as error:
        errors = field_errors(error)
        context = _context(request, dossier, errors=errors, error_message=str(error.message), typed=typed)
        return render(request, "workspace/sign.html", context, status=422)
    except Forbidden as error:
        return forbidden_page(request, error)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("workspace:dossier", code=dossier.code)
    messages.success(request, done)
    return redirect("workspace:dossier", code=dossier.code)

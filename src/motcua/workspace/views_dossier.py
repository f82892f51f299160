"""The dossier page (/can-bo/ho-so/<code>/): what the official needs to decide, and the actions
the dossier services allow this official now. Every button posts to `perform_action`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from motcua.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from motcua.dossiers import form_data, permissions, process_link, services
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import roles_for
from motcua.dossiers.schemas import public
from motcua.dossiers.states import Action, ProcessingSubstate, ResultKind, ReturnMethod, Role
from motcua.portal.models import Delivery, DeliveryMethod
from motcua.signing.dossiers import LEADER_ROLES
from motcua.workspace import actions
from motcua.workspace.common import (
    action_label,
    deadline_state,
    field_errors,
    official_required,
    state_label,
    step_deadline,
)
from motcua.workspace.views_lists import forbidden_page

STALE_MESSAGE = gettext_lazy(
    "Hồ sơ vừa được cập nhật (ở thẻ khác hoặc bởi người khác), thao tác chưa được thực hiện. "
    "Hãy xem lại hồ sơ rồi thực hiện lại nếu vẫn cần."
)
VERDICTS = {"early": gettext_lazy("Trước hạn"), "on_time": gettext_lazy("Đúng hạn"), "late": gettext_lazy("Trễ hạn")}
# The portal's delivery choices (portal.models.DeliveryMethod) as the return action's methods.
PORTAL_TO_RETURN = {
    DeliveryMethod.COUNTER.value: ReturnMethod.COUNTER.value,
    DeliveryMethod.POSTAL.value: ReturnMethod.POST.value,
    DeliveryMethod.ONLINE.value: ReturnMethod.ONLINE.value,
}
PREVIEWABLE = ("application/pdf", "image/png", "image/jpeg")
FORMS = (
    ("receipt", gettext_lazy("Phiếu tiếp nhận và hẹn trả kết quả")),
    ("supplement_request", gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
    ("refusal", gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
    ("apology", gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả")),
    ("control_slip", gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
)


def _readable(request: HttpRequest, code: str) -> Dossier:
    try:
        dossier = services.get_dossier(code)
    except NotFound:
        raise Http404(code) from None
    roles = roles_for(dossier, request.user)
    if not roles:
        raise Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại cơ quan xử lý hồ sơ này."))
    dossier._workspace_roles = roles  # the page reuses them instead of asking again
    return dossier


def _handlers(dossier: Dossier) -> list[Any]:
    """Handlers of the agency holding the dossier now: the people a leader may assign it to."""
    holder = process_link.holder(dossier)
    users = get_user_model().objects.filter(
        is_active=True,
        official__is_active=True,
        official__roles__role=Role.HANDLER,
        official__roles__agency=holder,
    )
    return list(users.select_related("official").distinct().order_by("username"))


def _step_choices(dossier: Dossier, roles: set[str]) -> list[tuple[str, str]]:
    """Process transitions leaving the current step that these roles may take (labels for the menu)."""
    if not process_link.process_applies(dossier):
        return []
    template = process_link.template_of(dossier)
    if template is None:
        return []
    steps = {step.key: step for step in template.steps.all()}
    choices = []
    for t in template.transitions.all():
        if t.from_step != dossier.current_step:
            continue
        permitted = set(t.roles or [steps[t.from_step].role])
        if permitted & roles:
            choices.append((t.action, f"{t.name} → {steps[t.to_step].name}"))
    return choices


def _current_step_name(dossier: Dossier) -> str:
    template = process_link.template_of(dossier)
    if template is None or not dossier.current_step:
        return ""
    return next((s.name for s in template.steps.all() if s.key == dossier.current_step), dossier.current_step)


def _timeline(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "action": action_label(event.action),
            "to_state": state_label(event.to_state),
            "step": (event.payload or {}).get("step") or {},
            "verdict": VERDICTS.get(((event.payload or {}).get("step") or {}).get("verdict", ""), ""),
            "inputs": (event.payload or {}).get("inputs") or {},
        }
        for event in dossier.events.order_by("seq")
    ]


def _delivery(dossier: Dossier) -> dict[str, str] | None:
    """How the applicant asked on the portal to receive the result (OS-RET-01), for the return desk."""
    choice = Delivery.objects.filter(dossier=dossier).first()
    if choice is None:
        return None
    return {
        "method": PORTAL_TO_RETURN.get(choice.method, ""),
        "label": str(choice.get_method_display()),
        "address": choice.address,
        "chosen_at": choice.chosen_at,
    }


def _payment(dossier: Dossier) -> str:
    """The state of the dossier's online fee payment in words ("" when nothing was paid online)."""
    from motcua.payments.models import PaymentState
    from motcua.payments.services import payment_state

    state = payment_state(dossier)
    return str(PaymentState(state).label) if state in PaymentState.values else ""


def _can_sign(dossier: Dossier, roles: set[str]) -> bool:
    """Whether to offer the signing page: a leader or clerk of the dossier while it is processed
    (the signing services decide the rest: certificate, step, what is already signed)."""
    return dossier.status == "in_process" and bool(roles & {*LEADER_ROLES, Role.CLERK})


def _context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    roles = set(getattr(dossier, "_workspace_roles", None) or roles_for(dossier, request.user))
    allowed = services.allowed_actions_for(dossier, request.user, now=now)
    components = list(dossier.components.select_related("required_document").order_by("id"))
    delivery = _delivery(dossier) if Action.RETURN_RESULT.value in allowed else None
    typed = extra.pop("typed", None)
    if typed is None:
        # The return desk starts from the citizen's choice; what the official typed always wins.
        typed = {"return_method": delivery["method"], "shipping_address": delivery["address"]} if delivery else {}
    return {
        "dossier": dossier,
        "state": state_label(dossier.status),
        "deadline": deadline_state(dossier, now),
        "step_deadline": step_deadline(dossier, now),
        "step_name": _current_step_name(dossier),
        "components": components,
        "previewable": PREVIEWABLE,
        "timeline": _timeline(dossier),
        "parts": list(dossier.agency_parts.select_related("agency").order_by("opened_seq")),
        "allowed": [{"key": a, "label": action_label(a), "fields": actions.FIELDS.get(a, ())} for a in allowed],
        "labels": actions.LABELS,
        "handlers": _handlers(dossier) if "assign" in allowed else [],
        "step_choices": _step_choices(dossier, roles) if set(allowed) & actions.STEP_ACTIONS else [],
        "substates": [s.value for s in ProcessingSubstate],
        "result_kinds": [(ResultKind.APPROVAL.value, _("Chấp thuận")), (ResultKind.REFUSAL.value, _("Từ chối"))],
        "return_methods": [
            (ReturnMethod.COUNTER.value, _("Trao tại quầy")),
            (ReturnMethod.POST.value, _("Gửi qua bưu chính")),
            (ReturnMethod.ONLINE.value, _("Trả trực tuyến")),
        ],
        "forms": FORMS,
        "citizen": public(dossier),
        "citizen_state": state_label(dossier.status),
        "errors": {},
        "typed": typed,
        "delivery": delivery,
        "open_action": "",
        "can_sign": _can_sign(dossier, roles),
        "payment": _payment(dossier),
        **extra,
    }


@official_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = _readable(request, code)
    except Forbidden as error:
        return forbidden_page(request, error)
    return render(request, "workspace/dossier.html", _context(request, dossier))


@require_POST
@official_required
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    """Fire one action. A stale version (second tab, double click) is refused with a clear message."""
    try:
        dossier = services.get_dossier(code)
    except NotFound:
        raise Http404(code) from None
    if not roles_for(dossier, request.user):
        # The services' own refusal: audited like a refused API write (GEN-03).
        action = str(request.POST.get("action", ""))[:30]
        agency = dossier.competent_agency.code
        return forbidden_page(request, permissions.refuse(request.user, action, dossier.pk, dossier.code, agency))
    posted: actions.Posted | None = None
    try:
        posted = actions.read_post(request.POST, request.FILES)
        if posted.expected_version is None:
            raise Conflict("missing_version", _("Biểu mẫu đã cũ; hãy tải lại trang rồi thực hiện lại."))
        services.perform_action(
            dossier, posted.action, request.user, posted.inputs, posted.expected_version, files=posted.files
        )
    except ValidationFailed as error:
        typed = posted.typed if posted else {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        context = _context(
            request,
            dossier,
            errors=field_errors(error),
            error_message=str(error.message),
            typed=typed,
            open_action=request.POST.get("action", ""),
        )
        return render(request, "workspace/dossier.html", context, status=422)
    except Conflict as error:
        if error.code in ("stale_version", "missing_version"):
            messages.error(request, str(STALE_MESSAGE))
        else:
            messages.error(request, str(error.message))
        return redirect("workspace:dossier", code=dossier.code)
    except Forbidden as error:
        return forbidden_page(request, error)
    except DomainError as error:  # any other refusal of the services (guards, missing process, ...)
        messages.error(request, str(error.message))
        return redirect("workspace:dossier", code=dossier.code)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": action_label(posted.action)})
    return redirect("workspace:dossier", code=dossier.code)


@require_POST
@official_required
def dossier_comment(request: HttpRequest, code: str) -> HttpResponse:
    """A comment, with or without files, that moves nothing; version-checked like an action."""
    try:
        dossier = _readable(request, code)
    except Forbidden as error:
        return forbidden_page(request, error)
    try:
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        messages.error(request, _("Biểu mẫu đã cũ; hãy tải lại trang rồi thực hiện lại."))
        return redirect("workspace:dossier", code=dossier.code)
    files = [Upload(filename=f.name, content=f.read(), name=f.name) for f in request.FILES.getlist("files")[:20]]
    try:
        text = request.POST.get("comment", "")
        services.add_comment(dossier, request.user, text, files=files, expected_version=version)
    except ValidationFailed as error:
        typed = {"comment": request.POST.get("comment", "")}
        errors = field_errors(error)
        file_error = next((message for key, message in errors.items() if key.startswith("files")), None)
        if file_error:
            errors["files"] = file_error  # one message under the file input, naming the refused file
        context = _context(request, dossier, errors=errors, error_message=str(error.message), typed=typed)
        context["open_action"] = "comment"
        return render(request, "workspace/dossier.html", context, status=422)
    except Conflict as error:
        messages.error(request, str(STALE_MESSAGE) if error.code == "stale_version" else str(error.message))
        return redirect("workspace:dossier", code=dossier.code)
    messages.success(request, _("Đã ghi ý kiến vào hồ sơ."))
    return redirect("workspace:dossier", code=dossier.code)


@xframe_options_sameorigin
@official_required
def dossier_file(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    """A component shown in the browser: inline, its checked type, never sniffed."""
    try:
        dossier = _readable(request, code)
    except Forbidden as error:
        return forbidden_page(request, error)
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        raise Http404(str(component_id))
    response = FileResponse(component.file.open("rb"), content_type=component.content_type, filename=component.filename)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A stored file never runs script in our origin, even framed for preview. PDFs are left to the
    # browser's own viewer, which a sandboxed document may not load (Chromium blocks it).
    if component.content_type == "application/pdf":
        response["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    return response


@official_required
def dossier_form(request: HttpRequest, code: str, key: str) -> HttpResponse:
    try:
        dossier = _readable(request, code)
        number, content = form_data.dossier_form_pdf(dossier, key, copy=2)
    except Forbidden as error:
        return forbidden_page(request, error)
    except DomainError as error:
        raise Http404(str(error.message)) from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

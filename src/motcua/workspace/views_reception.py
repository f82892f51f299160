"""Counter reception (/can-bo/tiep-nhan/): find the procedure, the applicant, tick and upload the
documents, then receive and print form 01, or issue a supplement request (02) or a refusal (03)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.search import search_procedures
from motcua.catalog.versioning import version_in_force
from motcua.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from motcua.dossiers.applicants import Applicant, Delegate
from motcua.dossiers.files import MAX_FILE_BYTES
from motcua.dossiers.states import Role
from motcua.organizations.models import Agency
from motcua.workspace import reception, scan
from motcua.workspace.common import field_errors, official_required
from motcua.workspace.views_lists import forbidden_page

APPLICANT_FIELDS = ("type", "name", "id_number", "address", "phone", "email")
DELEGATE_FIELDS = ("name", "id_number", "phone")
OUTCOME_FIELDS = ("items", "reason")
APPLICANT_INPUTS = (
    ("name", gettext_lazy("Họ tên / tên tổ chức"), "text", "name"),
    ("address", gettext_lazy("Địa chỉ"), "text", "street-address"),
    ("phone", gettext_lazy("Điện thoại"), "tel", "tel"),
    ("email", gettext_lazy("Thư điện tử"), "email", "email"),
)


def _units(request: HttpRequest) -> list[Agency]:
    codes = {a for role, a, _d in request.roles if role == Role.INTAKE_OFFICER}  # type: ignore[attr-defined]
    return list(Agency.objects.filter(code__in=codes).only("code", "name").order_by("name"))


def _version(code: str) -> Any:
    if not code:
        return None
    try:
        return version_in_force(code, relations=("documents",))
    except DomainError:
        return None


def _documents(version: Any) -> list[Any]:
    return list(version.documents.all()) if version is not None else []


def _doc_key(document: Any) -> str:
    return str(document.code or document.name).strip()


def _scan_name(document: Any) -> str:
    return f"{slugify(document.code or document.name)[:60] or 'giay-to'}-ban-quet.pdf"


@official_required
def procedure_search(request: HttpRequest) -> HttpResponse:
    """htmx: procedures in force matching the typed words, accents optional."""
    q = (request.GET.get("q") or "").strip()[:200]
    items = search_procedures(q, limit=15).items if len(q) >= 2 else []
    return render(request, "workspace/_procedure_results.html", {"items": items, "q": q})


@official_required
def documents(request: HttpRequest) -> HttpResponse:
    """htmx: the checklist of required documents of the chosen procedure."""
    version = _version((request.GET.get("procedure") or "").strip())
    draft = reception.ReceptionDraft.objects.filter(key=request.GET.get("key", ""), user=request.user).first()
    context = {"version": version, "docs": _checklist(version, {}, reception.kept_files(draft), {})}
    return render(request, "workspace/_documents.html", context)


@official_required
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: what is known about the applicant with this ID number (from earlier dossiers here)."""
    id_number = (request.GET.get("applicant_id_number") or "").strip()[:20]
    found = reception.previous_applicant(request.user, id_number) if id_number else None
    typed = {f"applicant_{name}": "" for name in APPLICANT_FIELDS}
    typed["applicant_id_number"] = id_number
    typed["applicant_type"] = "citizen"
    if found is not None:
        for name in APPLICANT_FIELDS:
            typed[f"applicant_{name}"] = getattr(found, f"applicant_{name}")
    context = {
        "typed": typed,
        "errors": {},
        "lookup_done": True,
        "lookup_found": found is not None,
        "applicant_inputs": APPLICANT_INPUTS,
    }
    return render(request, "workspace/_applicant.html", context)


def _checklist(
    version: Any, typed: dict[str, str], kept: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for index, document in enumerate(_documents(version)):
        key = _doc_key(document)
        rows.append(
            {
                "document": document,
                "key": key,
                "index": index,
                "originals": typed.get(f"originals_{index}", str(document.originals or 0)),
                "copies": typed.get(f"copies_{index}", str(getattr(document, "copies", 0) or 0)),
                "kept": kept.get(key),
                "error": errors.get(f"components.{key}") or errors.get(f"components.{index}.file", ""),
            }
        )
    return rows


def _count(value: str) -> int:
    return int(value) if value.isdigit() and int(value) < 100 else 0


def _render(
    request: HttpRequest, key: str, typed: dict[str, str], errors: dict[str, str], status: int = 200, message: str = ""
) -> HttpResponse:
    version = _version(typed.get("procedure", ""))
    draft = reception.ReceptionDraft.objects.filter(key=key, user=request.user).first()
    context = {
        "key": key,
        "typed": typed,
        "errors": errors,
        "error_message": message,
        "version": version,
        "docs": _checklist(version, typed, reception.kept_files(draft), errors),
        "units": _units(request),
        "applicant_inputs": APPLICANT_INPUTS,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "section": "reception",
    }
    return render(request, "workspace/reception.html", context, status=status)


def _typed(post: Any) -> dict[str, str]:
    return {k: v.strip() for k, v in post.items() if k not in ("csrfmiddlewaretoken",)}


def _entries(version: Any, typed: dict[str, str]) -> list[reception.DocumentEntry]:
    return [
        reception.DocumentEntry(
            _doc_key(d), _count(typed.get(f"originals_{i}", "")), _count(typed.get(f"copies_{i}", ""))
        )
        for i, d in enumerate(_documents(version))
    ]


def _component_errors(
    error: ValidationFailed, entries: list[reception.DocumentEntry], kept: set[str]
) -> dict[str, str]:
    """Intake names a bad file by its index among the files sent; show it beside its document."""
    sent = [e.code for e in entries if e.code in kept]
    found = field_errors(error)
    for item in error.fields:
        parts = item.field.split(".")
        if len(parts) == 3 and parts[0] == "components" and parts[1].isdigit() and int(parts[1]) < len(sent):
            found[f"components.{sent[int(parts[1])]}"] = str(item.message)
    return found


@official_required
def reception_page(request: HttpRequest) -> HttpResponse:
    if not _units(request):
        return forbidden_page(request, Forbidden("not_intake", _("Trang này dành cho cán bộ một cửa.")))
    if request.method != "POST":
        reception.prune(request.user)
        return _render(request, uuid.uuid4().hex, {"applicant_type": "citizen"}, {})
    typed = _typed(request.POST)
    key = typed.get("key", "")[:64] or uuid.uuid4().hex
    try:
        draft = reception.draft_for(key, request.user)
    except Forbidden as error:
        return forbidden_page(request, error)
    version = _version(typed.get("procedure", ""))
    errors: dict[str, str] = {}
    for index, document in enumerate(_documents(version)):
        uploaded = request.FILES.get(f"file_{index}")
        if uploaded is not None:
            reception.keep_upload(draft, _doc_key(document), uploaded)
        pages = request.FILES.getlist(f"pages_{index}")
        if pages:
            # Page images (scanner or camera) become this document's one PDF, kept like any upload.
            try:
                combined = scan.pages_to_pdf(pages)
            except scan.ScanError as error:
                errors[f"components.{_doc_key(document)}"] = str(error)
            else:
                reception.keep_upload(draft, _doc_key(document), ContentFile(combined, name=_scan_name(document)))
    if version is None:
        errors["procedure"] = _("Hãy chọn thủ tục hành chính.")
    if typed.get("unit", "") not in {u.code for u in _units(request)}:
        errors["unit"] = _("Hãy chọn nơi tiếp nhận.")
    outcome = typed.get("outcome", "")
    if outcome not in reception.OUTCOMES:
        errors["outcome"] = _("Hãy chọn cách xử lý hồ sơ.")
    if errors:
        return _render(request, key, typed, errors, 422, _("Hồ sơ chưa hợp lệ; xem các ô được đánh dấu."))
    entries = _entries(version, typed)
    applicant = Applicant(**{name: typed.get(f"applicant_{name}", "") for name in APPLICANT_FIELDS})
    delegate = Delegate(**{name: typed.get(f"delegate_{name}", "") for name in DELEGATE_FIELDS})
    inputs: dict[str, Any] = {"reason": typed.get("reason", "")}
    if outcome == "supplement":
        inputs["items"] = [line.strip() for line in typed.get("items", "").splitlines() if line.strip()]
    try:
        dossier, created = reception.receive(
            user=request.user,
            draft=draft,
            procedure_code=typed["procedure"],
            unit_code=typed["unit"],
            applicant=applicant,
            delegate=delegate,
            entries=entries,
            outcome=outcome,
            inputs=inputs,
        )
    except ValidationFailed as error:
        kept = set(reception.kept_files(draft))
        return _render(request, key, typed, _component_errors(error, entries, kept), 422, str(error.message))
    except Forbidden as error:
        return forbidden_page(request, error)
    except NotFound as error:
        return _render(request, key, typed, {"procedure": str(error.message)}, 422, str(error.message))
    except DomainError as error:  # a refusal of the services that names no field
        return _render(request, key, typed, {}, 409, str(error.message))
    reception.discard(draft)
    if not created:
        messages.info(request, _("Hồ sơ này đã được tiếp nhận trước đó (gửi lại cùng một biểu mẫu)."))
    else:
        messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
    return redirect(reverse("workspace:dossier", kwargs={"code": dossier.code}) + "?vua-tiep-nhan=1")

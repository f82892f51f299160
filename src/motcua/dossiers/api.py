"""Dossier API: intake, worklist, detail, actions, history, printed forms (/api/v1/dossiers), the
dossier register (/api/v1/registers) and public tracking (/api/v1/public/dossiers). Thin: every rule
is in the services."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from motcua.api.auth import token_or_session
from motcua.api.pagination import page_of
from motcua.api.schemas import ErrorOut, PageParams
from motcua.core import ratelimit
from motcua.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from motcua.dossiers import form_data, queries, services
from motcua.dossiers.applicants import Applicant, Delegate
from motcua.dossiers.files import MAX_FILE_BYTES, Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import READ_SCOPE, WRITE_SCOPE, require_scope, roles_for, scoped_agency_codes
from motcua.dossiers.schemas import (
    ActionIn,
    CommentIn,
    ComponentIn,
    DossierOut,
    DossierPageOut,
    EventPageOut,
    IntakeIn,
    PublicDossierOut,
    detail,
    event_out,
    public,
    summary,
)
from motcua.organizations.agencies import resolve_agency

router = Router(auth=token_or_session)
public_router = Router()
registers_router = Router(auth=token_or_session)

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Biểu mẫu dạng PDF (hiển thị trực tiếp).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
FILE_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Nội dung tệp, kiểu theo nội dung đã kiểm tra khi nhận.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
# base64 of MAX_FILE_BYTES, so an oversized file is refused before it is decoded.
_MAX_BASE64 = (MAX_FILE_BYTES + 2) // 3 * 4


class DossierListParams(Schema):
    limit: int = Field(settings.MOTCUA["API_PAGE_SIZE"], ge=1, le=settings.MOTCUA["API_MAX_PAGE_SIZE"])
    cursor: str | None = Field(None, max_length=500, description="`next_cursor` của trang trước.")
    order: str = Field("due", description="`due`: hạn sớm trước; `received`: mới tiếp nhận trước.")
    status: str | None = None
    agency: str | None = Field(None, description="Mã định danh cơ quan có thẩm quyền hoặc nơi tiếp nhận.")
    procedure: str | None = Field(None, description="Mã thủ tục.")
    assignee: str | None = Field(None, description="Tên đăng nhập người xử lý.")
    due_before: datetime | None = None
    overdue: bool | None = None


def _readable(request: HttpRequest, code: str) -> Dossier:
    require_scope(request, READ_SCOPE)
    dossier = services.get_dossier(code)
    if not roles_for(dossier, request.user):
        raise Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại cơ quan xử lý hồ sơ này."))
    return dossier


def _dossier_body(dossier: Dossier, user: Any) -> dict[str, Any]:
    return detail(dossier, services.allowed_actions_for(dossier, user))


def _uploads(items: list[ComponentIn], prefix: str = "components") -> list[Upload]:
    uploads, errors = [], []
    for index, item in enumerate(items):
        content = b""
        if len(item.content_base64) > _MAX_BASE64:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            message = _("Tệp “%(name)s” lớn hơn %(limit)s MB.") % {"name": item.filename, "limit": limit}
            errors.append(FieldError(f"{prefix}.{index}.file", "file_too_large", message))
        else:
            try:
                content = base64.b64decode(item.content_base64, validate=True)
            except (binascii.Error, ValueError):
                message = _("Nội dung tệp không phải base64 hợp lệ.")
                errors.append(FieldError(f"{prefix}.{index}.content_base64", "invalid_base64", message))
        uploads.append(
            Upload(item.filename, content, item.name, item.document_code.strip(), item.originals, item.copies)
        )
    if errors:
        raise ValidationFailed(_("Hồ sơ chưa hợp lệ hoặc chưa đủ thành phần."), errors)
    return uploads


@router.post(
    "",
    response={200: DossierOut, 201: DossierOut, **ERRORS},
    url_name="dossier_receive",
    operation_id="dossier_receive",
    summary="Tiếp nhận hồ sơ (trực tiếp, bưu chính, trực tuyến)",
)
def dossier_receive(request: HttpRequest, payload: IntakeIn) -> Status[dict[str, Any]]:
    require_scope(request, WRITE_SCOPE)
    result = services.receive_dossier(
        procedure_code=payload.procedure_code,
        channel=payload.channel,
        receiving_unit=payload.receiving_unit,
        competent_agency=payload.competent_agency,
        applicant=Applicant(**payload.applicant.model_dump()),
        delegate=Delegate(**payload.delegate.model_dump()) if payload.delegate else None,
        components=_uploads(payload.components),
        user=request.user,
        accept=payload.accept,
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key"),
        submitted_at=payload.submitted_at,
    )
    return Status(201 if result.created else 200, _dossier_body(result.dossier, request.user))


@router.get(
    "",
    response={200: DossierPageOut, **READ_ERRORS},
    url_name="dossier_list",
    operation_id="dossier_list",
    summary="Danh sách hồ sơ thuộc các cơ quan người gọi có vai trò",
)
def dossier_list(request: HttpRequest, params: Query[DossierListParams]) -> dict[str, Any]:
    require_scope(request, READ_SCOPE)
    filters = queries.DossierFilters(
        status=params.status,
        agency=params.agency,
        procedure=params.procedure,
        assignee=params.assignee,
        due_before=params.due_before,
        overdue=params.overdue,
        order=params.order,
    )
    rows, next_cursor = queries.list_dossiers(request.user, filters, limit=params.limit, cursor=params.cursor)
    return {"items": [summary(row) for row in rows], "limit": params.limit, "next_cursor": next_cursor}


@router.get(
    "/{code}",
    response={200: DossierOut, **READ_ERRORS},
    url_name="dossier_detail",
    operation_id="dossier_detail",
    summary="Chi tiết hồ sơ, trạng thái và các thao tác được phép",
)
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _dossier_body(_readable(request, code), request.user)


@router.post(
    "/{code}/actions",
    response={200: DossierOut, **ERRORS},
    url_name="dossier_action",
    operation_id="dossier_action",
    summary="Thực hiện một thao tác xử lý hồ sơ",
)
def dossier_action(request: HttpRequest, code: str, payload: ActionIn) -> dict[str, Any]:
    require_scope(request, WRITE_SCOPE)
    dossier = services.get_dossier(code)
    inputs = payload.model_dump(exclude={"action", "expected_version", "files"}, exclude_none=True)
    files = _uploads(payload.files, prefix="files")
    services.perform_action(dossier, payload.action, request.user, inputs, payload.expected_version, files=files)
    return _dossier_body(services.get_dossier(code), request.user)


@router.post(
    "/{code}/comments",
    response={200: DossierOut, **ERRORS},
    url_name="dossier_comment",
    operation_id="dossier_comment",
    summary="Ghi ý kiến (kèm tệp) vào hồ sơ, không chuyển trạng thái",
)
def dossier_comment(request: HttpRequest, code: str, payload: CommentIn) -> dict[str, Any]:
    require_scope(request, WRITE_SCOPE)
    dossier = services.get_dossier(code)
    files = _uploads(payload.files, prefix="files")
    services.add_comment(dossier, request.user, payload.comment, files=files, expected_version=payload.expected_version)
    return _dossier_body(services.get_dossier(code), request.user)


@router.get(
    "/{code}/files/{component_id}",
    response={200: None, **READ_ERRORS},
    url_name="dossier_file",
    operation_id="dossier_file",
    summary="Tải một tệp của hồ sơ (thành phần, bổ sung, kết quả)",
    openapi_extra=FILE_RESPONSE,
)
def dossier_file(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    dossier = _readable(request, code)
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        raise NotFound("unknown_file", _("Hồ sơ không có tệp này."))
    response = FileResponse(component.file.open("rb"), content_type=component.content_type, filename=component.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{code}/events",
    response={200: EventPageOut, **READ_ERRORS},
    url_name="dossier_events",
    operation_id="dossier_events",
    summary="Lịch sử xử lý hồ sơ",
)
def dossier_events(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, object]:
    dossier = _readable(request, code)
    return page_of(dossier.events.order_by("seq"), page.limit, page.offset, event_out)


@public_router.get(
    "/{code}",
    response={200: PublicDossierOut, 404: ErrorOut, 429: ErrorOut},
    url_name="public_dossier_status",
    operation_id="public_dossier_status",
    summary="Tra cứu tình trạng hồ sơ (không cần đăng nhập, không có thông tin cá nhân)",
    auth=None,
)
def public_dossier_status(request: HttpRequest, code: str) -> dict[str, Any]:
    # Codes are sequential: the limit keeps anyone from walking a unit's whole day (PTL-* lookup abuse).
    ratelimit.enforce(request, "public-dossier-lookup", settings.MOTCUA["PUBLIC_LOOKUP_RATE"])
    return public(services.get_dossier(code))


class FormParams(Schema):
    copy_number: int = Field(
        2, ge=1, le=2, description="Mẫu 01: liên 1 lưu tại Bộ phận Một cửa, liên 2 giao người nộp."
    )


class RegisterPath(Schema):
    year: int = Field(ge=2000, le=2100)


class RegisterParams(Schema):
    unit: str = Field(max_length=40, description="Mã định danh nơi tiếp nhận (bộ phận một cửa).")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    "/{code}/forms/{number}",
    response={200: None, **READ_ERRORS},
    url_name="dossier_form",
    operation_id="dossier_form",
    summary="In biểu mẫu của hồ sơ (PDF): 01 tiếp nhận, 02 bổ sung, 03 từ chối, 04 xin lỗi, phiếu kiểm soát",
    description=(
        "`number` là số mẫu theo chế độ pháp lý của hồ sơ (NĐ 61/2018: 01-05; NĐ 118/2025: 01-04, 06) "
        "hoặc tên khóa (`receipt`, `supplement_request`, `refusal`, `apology`, `control_slip`). "
        "Mẫu chưa phát sinh hoặc không áp dụng: 404 `form_not_available`."
    ),
    openapi_extra=PDF_RESPONSE,
)
def dossier_form(request: HttpRequest, code: str, number: str, params: Query[FormParams]) -> HttpResponse:
    dossier = _readable(request, code)
    printed, content = form_data.dossier_form_pdf(dossier, number, copy=params.copy_number)
    return _pdf(content, f"{dossier.code}-mau-{printed}.pdf")


@registers_router.get(
    "/{year}",
    response={200: None, **READ_ERRORS},
    url_name="dossier_register",
    operation_id="dossier_register",
    summary="Sổ theo dõi hồ sơ của một nơi tiếp nhận trong một năm (PDF, mẫu 06; 07 theo NĐ 118/2025)",
    openapi_extra=PDF_RESPONSE,
)
def dossier_register(request: HttpRequest, path: Path[RegisterPath], params: Query[RegisterParams]) -> HttpResponse:
    require_scope(request, READ_SCOPE)
    unit = resolve_agency(params.unit)
    if unit.code not in scoped_agency_codes(request.user):
        raise Forbidden("not_in_agency_scope", _("Bạn không có vai trò nào tại nơi tiếp nhận này."))
    printed, content = form_data.register_pdf(unit, path.year)
    return _pdf(content, f"{unit.code}-so-theo-doi-{path.year}-mau-{printed}.pdf")

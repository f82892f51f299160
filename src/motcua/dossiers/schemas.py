"""API schemas of the dossier routers and the functions that fill them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils import translation
from ninja import Field, Schema

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.national_status import national_status
from motcua.dossiers.states import STATE_LABELS, DossierState


# --- in -------------------------------------------------------------------------------------------
class ApplicantIn(Schema):
    type: Literal["citizen", "business"]
    name: str = Field(max_length=300)
    id_number: str = Field(max_length=20, description="Số định danh cá nhân (12 số) hoặc mã số thuế.")
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class DelegateIn(Schema):
    name: str = Field(max_length=300)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)


class ComponentIn(Schema):
    filename: str = Field(max_length=255, description="Tên tệp; phần mở rộng phải đúng với nội dung.")
    content_base64: str = Field(description="Nội dung tệp mã hóa base64, tối đa 20 MB sau giải mã.")
    document_code: str = Field("", max_length=60, description="Mã thành phần hồ sơ của thủ tục (hoặc tên).")
    name: str = Field("", max_length=1000)
    originals: int = Field(0, ge=0, le=100)
    copies: int = Field(0, ge=0, le=100)


class IntakeIn(Schema):
    procedure_code: str = Field(max_length=60)
    channel: Literal["counter", "postal", "online"]
    receiving_unit: str = Field(max_length=40, description="Mã định danh nơi tiếp nhận (QCVN 102).")
    competent_agency: str | None = Field(None, max_length=40, description="Mặc định là nơi tiếp nhận.")
    applicant: ApplicantIn
    delegate: DelegateIn | None = None
    components: list[ComponentIn] = Field(default_factory=list, max_length=50)
    accept: bool = Field(False, description="Tiếp nhận ngay (trực tiếp, bưu chính) khi hồ sơ đầy đủ.")
    idempotency_key: str | None = Field(None, max_length=100)
    submitted_at: datetime | None = Field(None, description="Thời điểm nộp trực tuyến; mặc định là bây giờ.")


class CommentIn(Schema):
    comment: str = Field("", max_length=2000, description="Ý kiến của cán bộ; có thể để trống khi có tệp.")
    expected_version: int | None = Field(None, ge=0)
    files: list[ComponentIn] = Field(default_factory=list, max_length=20)


class ActionIn(Schema):
    action: str = Field(max_length=30)
    expected_version: int | None = Field(None, ge=0)
    reason: str | None = Field(None, max_length=4000)
    comment: str | None = Field(None, max_length=4000)
    override_reason: str | None = Field(None, max_length=4000)
    items: list[str] | None = None
    new_due_at: datetime | None = None
    result_kind: str | None = None
    return_method: str | None = None
    collector: str | None = Field(None, max_length=300)
    recipient: str | None = Field(None, max_length=40)
    assignee: str | None = Field(None, max_length=150)
    step: str | None = Field(None, max_length=100)
    transition: str | None = Field(None, max_length=100, description="Mã chuyển bước của quy trình nội bộ.")
    allotment: float | None = Field(None, ge=0, description="Số ngày làm việc cho phần việc của cơ quan nhận.")
    note: str | None = Field(None, max_length=4000)
    reference: str | None = Field(None, max_length=200)
    attachments: list[str] | None = Field(None, description="Tên hoặc mã tài liệu đính kèm.")
    files: list[ComponentIn] = Field(
        default_factory=list,
        max_length=20,
        description="Tệp kèm theo hành động: hồ sơ bổ sung (`resupply`), văn bản kết quả (`resolve`), tài liệu khác.",
    )
    substate: str | None = None
    fees: list[dict[str, Any]] | None = None
    payment_ref: str | None = Field(None, max_length=200)


# --- out ------------------------------------------------------------------------------------------
class AgencyRefOut(Schema):
    code: str
    name: str


class ApplicantOut(Schema):
    type: str
    name: str
    id_number: str
    address: str
    phone: str
    email: str


class DelegateOut(Schema):
    name: str
    id_number: str
    phone: str


class ComponentOut(Schema):
    id: int
    kind: str = Field(description="`submitted`, `supplement`, `attachment`, `result` hoặc `form`.")
    added_by_event: int
    name: str
    document_code: str
    filename: str
    originals: int
    copies: int
    sha256: str
    size: int
    content_type: str
    signatures: dict[str, Any] = Field(
        description=(
            "Chữ ký số của tệp (OS-INTAKE-08): với PDF tải lên, kết quả kiểm tra từng chữ ký "
            "(`signed`, `checked`, `ok`, `signatures`); với biểu mẫu do hệ thống phát hành, đã ký hay chưa "
            "(`signed`, `unsigned_reason`); `{}` với tệp không phải PDF."
        )
    )


class DossierSummaryOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    status_label: str
    national_status: int | None
    substate: str | None
    competent_agency: AgencyRefOut
    assignee: str | None
    received_at: datetime
    due_at: datetime | None


class AgencyPartOut(Schema):
    """One other agency's part of an inter-agency dossier (OS-PROC-04/05), timed."""

    agency: AgencyRefOut
    started_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    verdict: str | None


class DossierOut(DossierSummaryOut):
    version: int
    procedure_version: int
    regime: str
    channel: str
    receiving_unit: AgencyRefOut
    applicant: ApplicantOut
    delegate: DelegateOut | None
    submitted_at: datetime
    accepted_at: datetime | None
    original_due_at: datetime | None
    rescheduled_due_at: datetime | None
    transfer_due_at: datetime | None
    transferred_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    result_kind: str | None
    timeliness: str | None
    supplement_count: int
    apology_count: int
    allowed_actions: list[str]
    components: list[ComponentOut]
    current_step: str | None = Field(None, description="Mã bước hiện tại của quy trình nội bộ.")
    step_started_at: datetime | None = None
    step_due_at: datetime | None = Field(None, description="Hạn của bước hiện tại (OS-PROC-06).")
    parts: list[AgencyPartOut] = Field(default_factory=list, description="Phần việc của các cơ quan liên thông.")


class DossierPageOut(Schema):
    items: list[DossierSummaryOut]
    limit: int
    next_cursor: str | None = Field(None, description="Truyền vào `cursor` để lấy trang sau; null là hết.")


class EventOut(Schema):
    seq: int
    occurred_at: datetime
    actor_name: str
    role: str
    agency_code: str
    action: str
    from_state: str
    to_state: str
    from_substate: str | None
    to_substate: str | None
    reason: str
    payload: dict[str, Any]
    attachments: list[Any]


class EventPageOut(Schema):
    items: list[EventOut]
    count: int
    limit: int
    offset: int


class PublicDossierOut(Schema):
    """Anonymous tracking (PTL-TRACK-01): no name, identity number, address or phone."""

    code: str
    procedure_name: str
    status: str
    status_label: str
    national_status: int | None
    received_at: datetime
    due_at: datetime | None


# --- serializers ----------------------------------------------------------------------------------
def status_label(status: str) -> str:
    vi, en = STATE_LABELS[DossierState(status)]
    return en if (translation.get_language() or "vi").startswith("en") else vi


def _agency(agency: Any) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name}


def summary(dossier: Dossier) -> dict[str, Any]:
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "procedure_code": version.procedure.procedure_code,
        "procedure_name": version.name,
        "status": dossier.status,
        "status_label": status_label(dossier.status),
        "national_status": national_status(DossierState(dossier.status)),
        "substate": dossier.substate or None,
        "competent_agency": _agency(dossier.competent_agency),
        "assignee": dossier.assignee.get_username() if dossier.assignee_id else None,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }


def _component(component: Any) -> dict[str, Any]:
    document = component.required_document
    return {
        "id": component.pk,
        "kind": component.kind,
        "added_by_event": component.added_by_event,
        "name": component.name,
        "document_code": (document.code or "") if document is not None else "",
        "filename": component.filename,
        "originals": component.originals,
        "copies": component.copies,
        "sha256": component.sha256,
        "size": component.size,
        "content_type": component.content_type,
        "signatures": component.signatures or {},
    }


def _part(part: Any) -> dict[str, Any]:
    return {
        "agency": _agency(part.agency),
        "started_at": part.started_at,
        "due_at": part.due_at,
        "finished_at": part.finished_at,
        "verdict": part.verdict or None,
    }


def detail(dossier: Dossier, allowed_actions: list[str]) -> dict[str, Any]:
    data = summary(dossier)
    delegate = None
    if dossier.delegate_name:
        delegate = {
            "name": dossier.delegate_name,
            "id_number": dossier.delegate_id_number,
            "phone": dossier.delegate_phone,
        }
    data.update(
        version=dossier.version,
        procedure_version=dossier.procedure_version.number,
        regime=dossier.regime,
        channel=dossier.channel,
        receiving_unit=_agency(dossier.receiving_unit),
        applicant={
            "type": dossier.applicant_type,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
        },
        delegate=delegate,
        result_kind=dossier.result_kind or None,
        timeliness=dossier.timeliness or None,
        allowed_actions=allowed_actions,
        components=[_component(c) for c in dossier.components.select_related("required_document")],
        current_step=dossier.current_step or None,
        step_started_at=dossier.step_started_at,
        step_due_at=dossier.step_due_at,
        parts=[_part(p) for p in dossier.agency_parts.select_related("agency").order_by("opened_seq")],
    )
    for name in (
        "submitted_at",
        "accepted_at",
        "original_due_at",
        "rescheduled_due_at",
        "transfer_due_at",
        "transferred_at",
        "finished_at",
        "returned_at",
        "supplement_count",
        "apology_count",
    ):
        data[name] = getattr(dossier, name)
    return data


def event_out(event: DossierEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_name": event.actor_name,
        "role": event.role,
        "agency_code": event.agency_code,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "from_substate": event.from_substate or None,
        "to_substate": event.to_substate or None,
        "reason": event.reason,
        "payload": event.payload,
        "attachments": event.attachments,
    }


def public(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "status": dossier.status,
        "status_label": status_label(dossier.status),
        "national_status": national_status(DossierState(dossier.status)),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }

"""Plain inputs of the one-stop forms (TT 01/2018 Art. 9; OS-FORM-01..07, OS-LATE-05).

These are frozen value objects, independent of the dossier models: the services layer fills them
from a dossier and its events, and `render.render_form` turns them into a PDF. Every datetime must
be timezone-aware; it is printed in local time (Asia/Ho_Chi_Minh) by `dates.format_form_datetime`.
Sequences are stored as tuples (a list passed in is converted), so the objects are immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from motcua.dossiers.timeliness import Timeliness

__all__ = [
    "ApologyData",
    "Applicant",
    "ControlSlipData",
    "DocumentForm",
    "FormData",
    "FormHeader",
    "HandOver",
    "ReceiptComponent",
    "ReceiptData",
    "RefusalData",
    "Regime",
    "RegisterData",
    "RegisterRow",
    "SupplementItem",
    "SupplementRequestData",
    "Timeliness",
]


class Regime(StrEnum):
    """Legal regime the forms follow; it decides form numbers and the wording of form 04."""

    ND61_2018 = "nd61_2018"  # NĐ 61/2018 + TT 01/2018: forms 01..06
    ND118_2025 = "nd118_2025"  # NĐ 118/2025: stop notice inserted as 05, control slip 06, register 07


class DocumentForm(StrEnum):
    """Form in which a missing component must be supplied (OS-FORM-04)."""

    ORIGINAL = "original"  # bản chính
    CERTIFIED_COPY = "certified_copy"  # bản sao có chứng thực
    PHOTOCOPY = "photocopy"  # bản photo


def _tuples(obj: Any, *names: str) -> None:
    """Turn list arguments into tuples on a frozen dataclass (lists would make it mutable)."""
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True, slots=True)
class FormHeader:
    """The agency block, the place and date line, the regime and the notice number of every form.

    `governing_body` and `issuing_unit` are printed as given (upper case by convention, e.g.
    "UBND TỈNH SƠN LA" / "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"); `unit_name` is the unit's name in
    running text ("Trung tâm Phục vụ hành chính công tỉnh Sơn La") and defaults to `issuing_unit`.
    `date` is a local date (a datetime is converted to its local date). `number` is the "Số:" of
    numbered notices (forms 02-04), printed under the agency block when not empty.
    """

    governing_body: str
    issuing_unit: str
    place: str
    date: date
    regime: Regime
    unit_name: str = ""
    number: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "regime", Regime(self.regime))
        if not self.unit_name:
            object.__setattr__(self, "unit_name", self.issuing_unit)


@dataclass(frozen=True, slots=True)
class Applicant:
    """Chủ hồ sơ: name, address, phone, email (OS-INTAKE-10); blank values print as blanks."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptComponent:
    """One submitted component on form 01: name, number of originals, number of copies."""

    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True, slots=True)
class ReceiptData:
    """Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (OS-FORM-03, OS-CODE-02/03).

    `copy` is the copy marker: 1 kept by the one-stop unit, 2 handed to the applicant.
    `tracking_url` is the public tracking page; its QR code is printed with the dossier code under it.
    """

    header: FormHeader
    dossier_code: str
    applicant: Applicant
    matter: str
    components: tuple[ReceiptComponent, ...]
    sets: int
    time_limit: str
    received_at: datetime
    due_at: datetime
    return_place: str
    register_book: str
    register_entry: str
    officer_name: str
    copy: int
    tracking_url: str

    def __post_init__(self) -> None:
        _tuples(self, "components")
        if self.copy not in (1, 2):
            raise ValueError("copy must be 1 (kept by the unit) or 2 (handed to the applicant)")
        if self.sets < 1:
            raise ValueError("sets must be at least 1")


@dataclass(frozen=True, slots=True)
class SupplementItem:
    """A component to supplement on form 02: name, quantity, and the form it must take."""

    name: str
    quantity: int
    form: DocumentForm

    def __post_init__(self) -> None:
        object.__setattr__(self, "form", DocumentForm(self.form))


@dataclass(frozen=True, slots=True)
class SupplementRequestData:
    """Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (OS-FORM-04)."""

    header: FormHeader
    dossier_code: str
    applicant: Applicant
    matter: str
    items: tuple[SupplementItem, ...]
    reason: str
    contact_name: str
    contact_phone: str
    officer_name: str

    def __post_init__(self) -> None:
        _tuples(self, "items")


@dataclass(frozen=True, slots=True)
class RefusalData:
    """Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ (OS-FORM-04): the header of 02 plus reasons."""

    header: FormHeader
    dossier_code: str
    applicant: Applicant
    matter: str
    reasons: tuple[str, ...]
    officer_name: str

    def __post_init__(self) -> None:
        _tuples(self, "reasons")
        if not self.reasons:
            raise ValueError("a refusal needs at least one reason")


@dataclass(frozen=True, slots=True)
class StopNoticeData:
    """Form 05 under NĐ 118/2025 (TT 03/2025), thông báo dừng giải quyết hồ sơ (OS-STOP-02, OS-FORM-10):
    the dossier, when it was received and stopped, the reasons, and who signs for the agency."""

    header: FormHeader
    dossier_code: str
    applicant: Applicant
    matter: str
    received_at: datetime
    stopped_at: datetime
    reasons: tuple[str, ...]
    signer_title: str
    signer_name: str

    def __post_init__(self) -> None:
        _tuples(self, "reasons")
        if not self.reasons:
            raise ValueError("a stop notice needs at least one reason")


@dataclass(frozen=True, slots=True)
class ApologyData:
    """Form 04, apology and new return date (OS-FORM-05, OS-LATE-01/04/05).

    The wording follows `header.regime` (also readable as `regime`): nd61_2018 prints "Phiếu xin lỗi
    và hẹn lại ngày trả kết quả", nd118_2025 "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết".
    The signer is configurable (head of unit, or the service-centre director in 2025 templates).
    """

    header: FormHeader
    applicant: Applicant
    received_at: datetime
    matter: str
    dossier_code: str
    due_at: datetime
    delay_reason: str
    new_due_at: datetime
    return_place: str
    signer_title: str
    signer_name: str

    @property
    def regime(self) -> Regime:
        return self.header.regime


@dataclass(frozen=True, slots=True)
class HandOver:
    """One hand-over on form 05: who gave, who received, when, and the hop's timeliness."""

    giver: str
    receiver: str
    handed_over_at: datetime
    result: Timeliness | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.result is not None:
            object.__setattr__(self, "result", Timeliness(self.result))


@dataclass(frozen=True, slots=True)
class ControlSlipData:
    """Form 05, Phiếu kiểm soát quá trình giải quyết hồ sơ (OS-FORM-06), built from the events."""

    header: FormHeader
    dossier_code: str
    applicant: Applicant
    matter: str
    received_at: datetime
    due_at: datetime
    lead_agency: str
    coordinating_agencies: tuple[str, ...] = ()
    handovers: tuple[HandOver, ...] = ()

    def __post_init__(self) -> None:
        _tuples(self, "coordinating_agencies", "handovers")


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One entry of the dossier register (OS-FORM-07); later milestones stay blank until they happen."""

    no: int
    dossier_code: str
    procedure: str
    applicant: str
    contact: str
    agency: str
    received_at: datetime
    due_at: datetime
    transferred_at: datetime | None = None
    result_received_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class RegisterData:
    """Form 06 (07 under nd118_2025), Sổ theo dõi hồ sơ, one book per year (OS-FORM-07/08)."""

    header: FormHeader
    year: int
    rows: tuple[RegisterRow, ...]
    book_no: str = ""

    def __post_init__(self) -> None:
        _tuples(self, "rows")


FormData = (
    ReceiptData | SupplementRequestData | RefusalData | ApologyData | StopNoticeData | ControlSlipData | RegisterData
)
"""Any input `render.render_form` accepts; the key decides which one it must be."""

"""Template contexts of the forms: every date and label is formatted here, templates only print.

One `FormSpec` per key says which data class the form takes, which template prints it and how its
context is built. Templates live in `dossiers/templates/dossiers/forms/` and may be overridden by a
province through Django's template loaders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from motcua.dossiers.forms.data import (
    ApologyData,
    ControlSlipData,
    DocumentForm,
    FormHeader,
    ReceiptData,
    RefusalData,
    Regime,
    RegisterData,
    StopNoticeData,
    SupplementRequestData,
    Timeliness,
)
from motcua.dossiers.forms.dates import format_date_line, format_form_datetime
from motcua.dossiers.forms.qr import qr_data_uri

__all__ = ["FORM_SPECS", "FormSpec", "apology_title", "base_context"]

TEMPLATE_DIR = "dossiers/forms"

TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement_request": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "stop_notice": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "control_slip": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "register": "SỔ THEO DÕI HỒ SƠ",
}
APOLOGY_TITLES = {
    Regime.ND61_2018: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    Regime.ND118_2025: "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
}
DOCUMENT_FORM_LABELS = {
    DocumentForm.ORIGINAL: "Bản chính",
    DocumentForm.CERTIFIED_COPY: "Bản sao có chứng thực",
    DocumentForm.PHOTOCOPY: "Bản photo",
}
TIMELINESS_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}
COPY_LABELS = {1: "Liên 1: lưu tại Bộ phận Một cửa", 2: "Liên 2: giao người nộp hồ sơ"}


def apology_title(regime: Regime) -> str:
    """Title of form 04 under `regime` (OS-LATE-05)."""
    return APOLOGY_TITLES[Regime(regime)]


def base_context(header: FormHeader, title: str, number: str) -> dict[str, Any]:
    """What every form prints: agency block, motto, form number, date line, title."""
    return {
        "header": header,
        "title": title,
        "form_number": number,
        "date_line": format_date_line(header.place, header.date),
    }


def _receipt(data: ReceiptData) -> dict[str, Any]:
    return {
        "title": TITLES["receipt"],
        "received_at": format_form_datetime(data.received_at),
        "due_at": format_form_datetime(data.due_at),
        "copy_label": COPY_LABELS[data.copy],
        "qr": qr_data_uri(data.tracking_url) if data.tracking_url else "",
    }


def _supplement(data: SupplementRequestData) -> dict[str, Any]:
    items = [{"item": item, "form_label": DOCUMENT_FORM_LABELS[item.form]} for item in data.items]
    return {"title": TITLES["supplement_request"], "items": items}


def _refusal(data: RefusalData) -> dict[str, Any]:
    return {"title": TITLES["refusal"]}


def _stop_notice(data: StopNoticeData) -> dict[str, Any]:
    return {
        "title": TITLES["stop_notice"],
        "received_at": format_form_datetime(data.received_at),
        "stopped_at": format_form_datetime(data.stopped_at),
    }


def _apology(data: ApologyData) -> dict[str, Any]:
    return {
        "title": apology_title(data.regime),
        "extension": data.regime == Regime.ND118_2025,
        "received_at": format_form_datetime(data.received_at),
        "due_at": format_form_datetime(data.due_at),
        "new_due_at": format_form_datetime(data.new_due_at),
    }


def _control_slip(data: ControlSlipData) -> dict[str, Any]:
    rows = [
        {
            "handover": hop,
            "at": format_form_datetime(hop.handed_over_at),
            "result": TIMELINESS_LABELS[hop.result] if hop.result is not None else "",
        }
        for hop in data.handovers
    ]
    return {
        "title": TITLES["control_slip"],
        "received_at": format_form_datetime(data.received_at),
        "due_at": format_form_datetime(data.due_at),
        "coordinating": "; ".join(data.coordinating_agencies),
        "rows": rows,
    }


def _register(data: RegisterData) -> dict[str, Any]:
    rows = [
        {
            "row": row,
            "no": f"{row.no:02d}",  # entries count from 01 (OS-FORM-08)
            "received_at": format_form_datetime(row.received_at),
            "due_at": format_form_datetime(row.due_at),
            "transferred_at": format_form_datetime(row.transferred_at),
            "result_received_at": format_form_datetime(row.result_received_at),
            "returned_at": format_form_datetime(row.returned_at),
        }
        for row in data.rows
    ]
    return {"title": TITLES["register"], "rows": rows}


@dataclass(frozen=True, slots=True)
class FormSpec:
    """How one form key is printed: its data class, template and context builder."""

    data_type: type
    template: str
    build: Callable[[Any], dict[str, Any]]


FORM_SPECS: dict[str, FormSpec] = {
    "receipt": FormSpec(ReceiptData, f"{TEMPLATE_DIR}/receipt.html", _receipt),
    "supplement_request": FormSpec(SupplementRequestData, f"{TEMPLATE_DIR}/supplement_request.html", _supplement),
    "refusal": FormSpec(RefusalData, f"{TEMPLATE_DIR}/refusal.html", _refusal),
    "apology": FormSpec(ApologyData, f"{TEMPLATE_DIR}/apology.html", _apology),
    "stop_notice": FormSpec(StopNoticeData, f"{TEMPLATE_DIR}/stop_notice.html", _stop_notice),
    "control_slip": FormSpec(ControlSlipData, f"{TEMPLATE_DIR}/control_slip.html", _control_slip),
    "register": FormSpec(RegisterData, f"{TEMPLATE_DIR}/register.html", _register),
}

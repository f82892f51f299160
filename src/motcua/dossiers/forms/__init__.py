"""The one-stop forms of TT 01/2018 (and their NĐ 118/2025 numbering) rendered to PDF from plain data.

    from motcua.dossiers.forms import render_form, ReceiptData, ...
    pdf_bytes = render_form("receipt", ReceiptData(...))

See docs/forms.md for the keys, numbers, fields, page sizes and fonts.
"""

from motcua.dossiers.forms.data import (
    ApologyData,
    Applicant,
    ControlSlipData,
    DocumentForm,
    FormData,
    FormHeader,
    HandOver,
    ReceiptComponent,
    ReceiptData,
    RefusalData,
    Regime,
    RegisterData,
    RegisterRow,
    StopNoticeData,
    SupplementItem,
    SupplementRequestData,
    Timeliness,
)
from motcua.dossiers.forms.dates import LOCAL_TZ, date_words, format_date_line, format_form_datetime, local_date
from motcua.dossiers.forms.qr import qr_data_uri, qr_svg
from motcua.dossiers.forms.render import FORM_KEYS, FormRenderError, form_number, html_to_pdf, render_form, render_html

__all__ = [
    "FORM_KEYS",
    "LOCAL_TZ",
    "ApologyData",
    "Applicant",
    "ControlSlipData",
    "DocumentForm",
    "FormData",
    "FormHeader",
    "FormRenderError",
    "HandOver",
    "ReceiptComponent",
    "ReceiptData",
    "RefusalData",
    "Regime",
    "RegisterData",
    "RegisterRow",
    "StopNoticeData",
    "SupplementItem",
    "SupplementRequestData",
    "Timeliness",
    "date_words",
    "form_number",
    "format_date_line",
    "format_form_datetime",
    "html_to_pdf",
    "local_date",
    "qr_data_uri",
    "qr_svg",
    "render_form",
    "render_html",
]

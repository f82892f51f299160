"""The applicant's e-form answers as a PDF (the tờ khai of an online filing), so the officials who
check the dossier see what was declared as one of its components (PTL-SUB-04, OS-INTAKE-03).

The PDF is rendered with the one-stop forms' network-free WeasyPrint helper (Noto Serif / DejaVu
Serif through fontconfig, both cover Vietnamese) when the citizen reviews the draft (kept with the
draft while the answers are unchanged, see `submission.declaration_pdf`) and goes into the intake
as a component: matched to the procedure's e-form document (the first `RequiredDocument.e_form`) when
the procedure has its own e-form, otherwise added beside the required documents under the form's
title. It is checked, hashed and stored like any other intake file.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.dossiers.files import Upload
from motcua.dossiers.forms.render import html_to_pdf
from motcua.portal import eforms

RECORD_FILENAME = "to-khai-truc-tuyen.pdf"


def form_document(version: Any, definition: eforms.FormDefinition) -> Any | None:
    """The required document that the procedure's own e-form stands for (its tờ khai / đơn), or None.

    The generic request form stands for no document: the applicant still attaches the official form."""
    if definition.generic:
        return None
    return next((doc for doc in version.documents.all() if doc.e_form), None)


def render_record(
    *, definition: eforms.FormDefinition, version: Any, applicant: dict[str, str], answers: dict[str, Any], agency: str
) -> bytes:
    """The PDF of the declaration: the procedure, the receiving agency, the applicant and every answer."""
    context = {
        "title": definition.title,
        "procedure": version.name,
        "procedure_code": version.procedure.procedure_code,
        "agency": agency,
        "applicant": applicant,
        "rows": eforms.display(definition, answers),
        "declared_at": timezone.localtime().strftime("%H:%M %d/%m/%Y"),
    }
    return html_to_pdf(render_to_string("portal/pdf/eform_record.html", context))


def record_upload(
    *,
    definition: eforms.FormDefinition,
    version: Any,
    applicant: dict[str, str],
    answers: dict[str, Any],
    agency: str,
    content: bytes | None = None,
) -> Upload:
    """The declaration as an intake component (matched to the e-form document when there is one);
    `content` is an already rendered PDF of the same answers (the draft keeps the one it previewed)."""
    if content is None:
        content = render_record(
            definition=definition, version=version, applicant=applicant, answers=answers, agency=agency
        )
    document = form_document(version, definition)
    if document is None:
        return Upload(filename=RECORD_FILENAME, content=content, name=definition.title, originals=1)
    key = str(document.code or document.name).strip()
    return Upload(filename=RECORD_FILENAME, content=content, name=document.name, document_code=key, originals=1)

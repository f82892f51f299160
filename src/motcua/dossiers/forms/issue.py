"""Forms 01-05 issued electronically carry the agency's signature (SIG-07; TT 01/2018 Art. 10(1)).

Unlike the rest of `forms/` (plain data in, PDF out) this module reads and writes dossiers: it is
the bridge between a transition that issues a notice and the stored, signed copy of that notice.

When a transition of an online dossier issues form 01 (receipt), 02 (supplement request),
03 (refusal), 04 (apology) or 05 (stop notice), `issue()` renders it once, has it signed by the
receiving unit through the registered form signer, stores it as a component of kind `form` and
records the signature as a dossier event, all in the transition's transaction. Later downloads of
that form serve the stored copy (`issued_pdf`), so the applicant and the officials see the very file
that was signed. A dossier issued before this existed gets its copy issued at the first download.

The signer is a plugin (DESIGN.md rule 5): the signing app registers one in its `ready()`, so the
dossiers app does not import the signing app. Without a signer or without an organisation
certificate the form is issued unsigned: the component says so (`signatures["signed"] = False`,
with the reason) and a log line without personal data says which dossier id and form.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.core.plugins import FunctionRegistry

logger = logging.getLogger("motcua.dossiers")

ISSUED_FORMS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice")
FORM_KIND = "form"


@dataclass(frozen=True)
class SignedForm:
    """A signed form and what the dossier event records about the signature (purpose, kind, signer,
    subject, serial, issuer, level, signed_at)."""

    pdf: bytes
    signature: Mapping[str, Any] = field(default_factory=dict)


# A signer returns the signed form, or None when the unit has no organisation key on this server.
FormSigner = Callable[[bytes, Any, str], SignedForm | None]
form_signers: FunctionRegistry[FormSigner] = FunctionRegistry("form signer", "FORM_SIGNER")
register_form_signer = form_signers.register
unregister_form_signer = form_signers.unregister


def form_signer() -> FormSigner | None:
    """The configured signer (`MOTCUA["FORM_SIGNER"]`; "" or absent: the first registered; "none":
    forms are issued unsigned)."""
    return form_signers.chosen()


def issues_electronically(dossier: Any, key: str | None) -> bool:
    """Forms 01-05 of online dossiers are issued electronically; at the counter they are printed."""
    return bool(key) and key in ISSUED_FORMS and str(dossier.channel) == "online"


def issue_now() -> bool:
    """Whether a transition issues its form at once: not inside `notify.muted()` (the demo history,
    benchmarks: events of the past), where the form is issued at its first download instead."""
    from motcua.dossiers import notify

    return not notify._muted.get()


def issued_component(dossier: Any, key: str) -> Any:
    """The stored copy of form `key` issued last for `dossier`, if any."""
    return dossier.components.filter(kind=FORM_KIND, signatures__form=key).order_by("-added_by_event", "-id").first()


def _issuing_event(dossier: Any, key: str) -> Any:
    return dossier.events.filter(payload__form=key).order_by("-seq").first()


def _sign(pdf: bytes, dossier: Any, key: str) -> tuple[SignedForm | None, str]:
    signer = form_signer()
    if signer is None:
        return None, "no_signer"
    try:
        with transaction.atomic():  # a failed signature leaves the transition's transaction usable
            signed = signer(pdf, dossier, key)
    except DomainError as exc:
        return None, exc.code
    return (signed, "") if signed is not None else (None, "no_agency_certificate")


def issue(dossier: Any, event: Any, *, now: datetime | None = None) -> Any:
    """Render, sign and store the form `event` issues (the dossier is locked by the caller)."""
    from motcua.dossiers import engine, form_data  # form_data reads the models: imported late
    from motcua.dossiers.forms.render import FormRenderError, form_number, render_form
    from motcua.dossiers.models import DossierComponent
    from motcua.dossiers.vocabulary import Action

    key = str((event.payload or {}).get("form") or "")
    if not issues_electronically(dossier, key):
        return None
    now = now or timezone.now()
    try:
        pdf = render_form(key, form_data.build_form(dossier, key))
        number = form_number(key, form_data.dossier_regime(dossier))
    except (DomainError, FormRenderError, KeyError) as exc:
        logger.warning("dossier.form_not_issued", extra={"dossier_id": dossier.pk, "form": key, "error": str(exc)})
        return None
    signed, problem = _sign(pdf, dossier, key)
    content = signed.pdf if signed is not None else pdf
    digest = hashlib.sha256(content).hexdigest()
    name = f"Mẫu {number} ({key})"
    filename = f"{dossier.code}-mau-{number}.pdf"
    seq = event.seq
    info: dict[str, Any] = {"form": key, "number": number, "issued_by_event": event.seq, "signed": signed is not None}
    if signed is None:
        info["unsigned_reason"] = problem
        logger.warning("dossier.form_issued_unsigned", extra={"dossier_id": dossier.pk, "form": key, "reason": problem})
    else:
        entry = {**dict(signed.signature), "form": key, "document": name, "filename": filename, "sha256": digest}
        actor = engine.Actor(user=None, name="system", roles={})
        record = engine.append_record(
            dossier,
            Action.SIGN,
            actor,
            "system",
            {"signature": entry},
            now,
            agency_code=dossier.receiving_unit.code,
            attachments=[{"name": name, "filename": filename, "sha256": digest, "size": len(content)}],
        )
        seq = record.seq
        info["signature"] = {k: entry.get(k) for k in ("signer", "serial", "level", "signed_at")}
    component = DossierComponent(
        dossier=dossier,
        name=name,
        filename=filename,
        sha256=digest,
        size=len(content),
        content_type="application/pdf",
        added_by_event=seq,
        kind=FORM_KIND,
        signatures=info,
    )
    component.file.save(filename, ContentFile(content), save=False)
    component.save()
    return component


def issued_pdf(dossier: Any, key: str) -> bytes | None:
    """The stored copy of form `key` for an online dossier (issued now if it was issued before copies
    were stored); None when the form is printed instead (counter dossiers) or not issued yet."""
    if not issues_electronically(dossier, key):
        return None
    component = issued_component(dossier, key)
    if component is None:
        component = _issue_late(dossier, key)
    if component is None:
        return None
    with component.file.open("rb") as fh:
        data: bytes = fh.read()
    return data


def _issue_late(dossier: Any, key: str) -> Any:
    from motcua.dossiers.models import Dossier

    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update()
            .select_related("procedure_version", "receiving_unit", "competent_agency")
            .get(pk=dossier.pk)
        )
        component = issued_component(locked, key)  # another request may have issued it meanwhile
        if component is not None:
            return component
        event = _issuing_event(locked, key)
        if event is None:
            return None
        component = issue(locked, event)
    if component is not None:
        dossier.version = locked.version
    return component

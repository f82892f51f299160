"""Files that come with an action: supplements (resupply), results (resolve), any other attachment.

They are checked like intake files (type by content, size, count), recorded on the event that brings
them (`DossierEvent.attachments`: name, SHA-256, size, type) and stored as dossier components that
point back at that event (`added_by_event`), so the dossier's files are a projection of its events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.plugins import FunctionRegistry
from motcua.dossiers.files import CheckedFile, Upload, check_uploads
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.dossiers.vocabulary import Action

KIND_BY_ACTION = {Action.RESUPPLY.value: "supplement", Action.RESOLVE.value: "result"}

logger = logging.getLogger("motcua.dossiers")

# OS-INTAKE-08: the signatures of uploaded PDFs are verified by a plugin (the signing app registers
# one in its `ready()`), so this app does not import the signing app. A checker takes the PDF bytes
# and returns the summary stored on the component: {"signed": True, "checked": True, "ok": ...,
# "signatures": [{"signer", "issuer", "serial", "intact", "valid", "trusted", "revoked", ...}]}.
SignatureChecker = Callable[[bytes], dict[str, Any]]
signature_checkers: FunctionRegistry[SignatureChecker] = FunctionRegistry("signature checker", "SIGNATURE_CHECKER")
register_signature_checker = signature_checkers.register
unregister_signature_checker = signature_checkers.unregister


def signature_checker() -> SignatureChecker | None:
    """The configured checker (`MOTCUA["SIGNATURE_CHECKER"]`), else the first registered one."""
    return signature_checkers.chosen()


def has_signature_dictionary(content: bytes) -> bool:
    """Whether a PDF may hold a signature: a signature dictionary has a /ByteRange (cheap scan, so
    only those PDFs get the full verification and intake stays fast)."""
    return b"/ByteRange" in content


def check_signatures(checked: Sequence[CheckedFile]) -> list[dict[str, Any]]:
    """Per file: {} for a non-PDF, {"signed": False} for a PDF without a signature dictionary, else
    the checker's summary ({"signed": True, "checked": False} when no checker is installed)."""
    results: list[dict[str, Any]] = []
    checker = None
    for item in checked:
        content = item.upload.content
        if item.content_type != "application/pdf":
            results.append({})
            continue
        if not has_signature_dictionary(content):
            results.append({"signed": False})
            continue
        checker = checker or signature_checker()
        if checker is None:
            results.append({"signed": True, "checked": False})
            continue
        try:
            results.append(checker(content))
        except Exception as exc:  # a hostile file never stops the intake; the official sees "not checked"
            logger.warning("dossier.signature_check_failed", extra={"error": type(exc).__name__})
            results.append({"signed": True, "checked": False})
    return results


def check(files: Sequence[Upload]) -> list[CheckedFile]:
    """The checked files; ValidationFailed naming each refused one as `files.<i>.file`."""
    if not files:
        return []
    checked, errors = check_uploads(list(files), prefix="files")
    if errors:
        raise ValidationFailed(_("Tệp đính kèm không hợp lệ."), errors)
    return checked


def describe(checked: list[CheckedFile], signatures: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """What the event records about each file (enough to verify the stored copy later), with the
    signature check of each signed PDF (OS-INTAKE-08)."""
    described = []
    for index, c in enumerate(checked):
        item: dict[str, Any] = {
            "name": c.upload.name or c.upload.filename,
            "filename": c.upload.filename[:255],
            "sha256": c.sha256,
            "size": c.size,
            "content_type": c.content_type,
        }
        if index < len(signatures) and signatures[index]:
            item["signatures"] = dict(signatures[index])
        described.append(item)
    return described


def store(
    dossier: Dossier,
    event: DossierEvent,
    checked: list[CheckedFile],
    *,
    kind: str | None = None,
    signatures: Sequence[Mapping[str, Any]] = (),
) -> list[DossierComponent]:
    """Save the files as components added by `event` (inside the action's transaction); `signatures`
    holds, per file, what the signature check found (OS-INTAKE-08)."""
    kind = kind or KIND_BY_ACTION.get(event.action, "attachment")
    documents = {d.code: d for d in dossier.procedure_version.documents.all()} if checked else {}
    stored = []
    for index, item in enumerate(checked):
        upload = item.upload
        document = documents.get(upload.document_code) if upload.document_code else None
        component = DossierComponent(
            dossier=dossier,
            required_document=document,
            name=upload.name or (document.name if document is not None else upload.filename),
            originals=upload.originals,
            copies=upload.copies,
            filename=upload.filename[:255],
            sha256=item.sha256,
            size=item.size,
            content_type=item.content_type,
            added_by_event=event.seq,
            kind=kind,
            signatures=dict(signatures[index]) if index < len(signatures) else {},
        )
        component.file.save(upload.filename, ContentFile(upload.content), save=False)
        component.save()
        stored.append(component)
    return stored

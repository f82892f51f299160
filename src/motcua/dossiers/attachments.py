"""Files that come with an action: supplements (resupply), results (resolve), any other attachment.

They are checked like intake files (type by content, size, count), recorded on the event that brings
them (`DossierEvent.attachments`: name, SHA-256, size, type) and stored as dossier components that
point back at that event (`added_by_event`), so the dossier's files are a projection of its events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.dossiers.files import CheckedFile, Upload, check_uploads
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.dossiers.vocabulary import Action

KIND_BY_ACTION = {Action.RESUPPLY.value: "supplement", Action.RESOLVE.value: "result"}


def check(files: Sequence[Upload]) -> list[CheckedFile]:
    """The checked files; ValidationFailed naming each refused one as `files.<i>.file`."""
    if not files:
        return []
    checked, errors = check_uploads(list(files), prefix="files")
    if errors:
        raise ValidationFailed(_("Tệp đính kèm không hợp lệ."), errors)
    return checked


def describe(checked: list[CheckedFile]) -> list[dict[str, Any]]:
    """What the event records about each file (enough to verify the stored copy later)."""
    return [
        {
            "name": c.upload.name or c.upload.filename,
            "filename": c.upload.filename[:255],
            "sha256": c.sha256,
            "size": c.size,
            "content_type": c.content_type,
        }
        for c in checked
    ]


def store(dossier: Dossier, event: DossierEvent, checked: list[CheckedFile]) -> list[DossierComponent]:
    """Save the files as components added by `event` (inside the action's transaction)."""
    kind = KIND_BY_ACTION.get(event.action, "attachment")
    documents = {d.code: d for d in dossier.procedure_version.documents.all()} if checked else {}
    stored = []
    for item in checked:
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
        )
        component.file.save(upload.filename, ContentFile(upload.content), save=False)
        component.save()
        stored.append(component)
    return stored

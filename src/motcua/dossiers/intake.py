"""Receive a dossier at the counter, by post or online (OS-INTAKE-01..06, -10, -11; OS-CODE-02).

One call validates everything it can before writing (every problem in one 422), pins the procedure
version in force at the receipt time, allocates the code, stores the files and writes the first
events through the same engine as every other transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.services import calendar_for
from motcua.catalog.models import Channel, ProcedureVersion
from motcua.catalog.versioning import version_in_force
from motcua.core.errors import FieldError, ValidationFailed
from motcua.dossiers import permissions
from motcua.dossiers.applicants import (
    Applicant,
    Delegate,
    applicant_errors,
    delegate_errors,
    normalised,
    normalised_delegate,
)
from motcua.dossiers.attachments import check_signatures
from motcua.dossiers.codes import allocate_code
from motcua.dossiers.engine import Actor, apply_transition, display_name
from motcua.dossiers.files import CheckedFile, Upload, check_uploads
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.states import Action, Role
from motcua.organizations.agencies import resolve_agency
from motcua.organizations.models import Agency

ONLINE = str(Channel.ONLINE)  # plain text: the channel arrives as a string


@dataclass(frozen=True)
class IntakeResult:
    dossier: Dossier
    created: bool


def _agency(value: Agency | str) -> Agency:
    return value if isinstance(value, Agency) else resolve_agency(value)


def _document_key(document: Any) -> str:
    return str(document.code or document.name).strip()


def _match_documents(version: ProcedureVersion, files: list[CheckedFile]) -> tuple[dict[int, Any], list[FieldError]]:
    """Component index -> RequiredDocument, and one error per required document with no file."""
    documents = list(version.documents.all())
    by_key = {_document_key(doc): doc for doc in documents}
    matched: dict[int, Any] = {}
    for index, checked in enumerate(files):
        key = (checked.upload.document_code or checked.upload.name).strip()
        if key in by_key:
            matched[index] = by_key[key]
    present = {doc.pk for doc in matched.values()}
    errors = [
        FieldError(
            f"components.{_document_key(doc)}",
            "missing_component",
            _("Thiếu thành phần hồ sơ: %(name)s.") % {"name": doc.name},
        )
        for doc in documents
        if doc.pk not in present and is_always_required(doc)
    ]
    return matched, errors


# Wording of the national catalogue for a component needed only in some cases.
_CONDITIONAL_MARKS = ("(trường hợp", "(nếu có", "(đối với trường hợp")


def is_always_required(document: Any) -> bool:
    """Whether every dossier of the procedure needs `document`.

    The national catalogue lists, besides the components everyone files, the components of special
    cases: a case group ("Trẻ em bị bỏ rơi") or a condition in the name ("Văn bản ủy quyền (trường
    hợp ủy quyền)"). Those are matched when filed but never demanded: which case applies is for the
    officer checking the dossier to judge, and a missing one is asked for with a supplement request."""
    if (document.case_group or "").strip():
        return False
    name = " ".join(str(document.name).lower().split())
    return not any(mark in name for mark in _CONDITIONAL_MARKS)


def _received_at(channel: str, unit: Agency, submitted_at: datetime) -> datetime:
    # Online filings outside working time are received at the next working start (CAL-11).
    if channel == ONLINE:
        return calendar_for(unit).next_working_start(submitted_at)
    return submitted_at


def _intake_actor(channel: str, unit: Agency, user: Any, applicant_name: str) -> Actor:
    """Counter and postal intake is an intake officer's act in the receiving unit (OS-INTAKE-02);
    online filings come from the applicant through the portal (OS-INTAKE-03)."""
    if channel == ONLINE:
        name = display_name(user) if user is not None else applicant_name
        return Actor(user=user, name=name, roles={Role.APPLICANT: unit.code})
    roles = permissions.roles_in(user, (unit.code,))
    if Role.INTAKE_OFFICER not in roles:
        raise permissions.refuse(user, "receive", "", unit.code, unit.code)
    return Actor(user=user, name=display_name(user), roles={Role.INTAKE_OFFICER: unit.code})


def _validate(
    version: ProcedureVersion,
    channel: str,
    competent: Agency,
    applicant: Applicant,
    delegate: Delegate | None,
    uploads: list[Upload],
    accept: bool,
) -> tuple[list[CheckedFile], dict[int, Any]]:
    errors = applicant_errors(applicant) + delegate_errors(delegate)
    if channel not in Channel.values:
        errors.append(FieldError("channel", "invalid", _("Kênh tiếp nhận không hợp lệ.")))
    elif version.channels and channel not in version.channels:
        errors.append(FieldError("channel", "invalid", _("Thủ tục này không tiếp nhận qua kênh đã chọn.")))
    if accept and channel == ONLINE:
        errors.append(FieldError("accept", "invalid", _("Hồ sơ trực tuyến được tiếp nhận sau khi cán bộ kiểm tra.")))
    agencies = list(version.agencies.all())
    if agencies and competent not in agencies:
        errors.append(FieldError("competent_agency", "invalid", _("Cơ quan này không giải quyết thủ tục đã chọn.")))
    files, file_errors = check_uploads(uploads)
    errors += file_errors
    matched: dict[int, Any] = {}
    if not file_errors:
        matched, missing = _match_documents(version, files)
        errors += missing
    if errors:
        raise ValidationFailed(_("Hồ sơ chưa hợp lệ hoặc chưa đủ thành phần."), errors)
    return files, matched


def _store_components(
    dossier: Dossier, files: list[CheckedFile], matched: dict[int, Any], signatures: list[dict[str, Any]]
) -> None:
    for index, checked in enumerate(files):
        document = matched.get(index)
        component = DossierComponent(
            dossier=dossier,
            required_document=document,
            name=checked.upload.name or (document.name if document is not None else checked.upload.filename),
            originals=checked.upload.originals,
            copies=checked.upload.copies,
            filename=checked.upload.filename[:255],
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            signatures=signatures[index],
        )
        component.file.save(checked.upload.filename, ContentFile(checked.upload.content), save=False)
        component.save()


def _create(
    version: ProcedureVersion,
    unit: Agency,
    competent: Agency,
    channel: str,
    applicant: Applicant,
    delegate: Delegate | None,
    submitted_at: datetime,
    received_at: datetime,
    key: str | None,
) -> Dossier:
    """The dossier row, with its code from the unit's counter (locked until the intake commits)."""
    dossier: Dossier = Dossier.objects.create(
        code=allocate_code(unit, received_at),
        regime=str(settings.MOTCUA.get("REGIME", "")),
        procedure_version=version,
        receiving_unit=unit,
        competent_agency=competent,
        channel=channel,
        applicant_type=applicant.type,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        delegate_name=delegate.name if delegate else "",
        delegate_id_number=delegate.id_number if delegate else "",
        delegate_phone=delegate.phone if delegate else "",
        submitted_at=submitted_at,
        received_at=received_at,
        idempotency_key=key,
    )
    return dossier


def receive_dossier(
    *,
    procedure_code: str,
    channel: str,
    receiving_unit: Agency | str,
    applicant: Applicant,
    components: list[Upload],
    user: Any = None,
    competent_agency: Agency | str | None = None,
    delegate: Delegate | None = None,
    accept: bool = False,
    idempotency_key: str | None = None,
    submitted_at: datetime | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Receive a dossier; the same `idempotency_key` returns the dossier it created the first time."""
    key = (idempotency_key or "").strip() or None
    if key is not None:
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return IntakeResult(existing, created=False)
    now = now or timezone.now()
    unit = _agency(receiving_unit)
    competent = _agency(competent_agency) if competent_agency is not None else unit
    actor = _intake_actor(channel, unit, user, (applicant.name or "").strip())
    received_at = _received_at(channel, unit, submitted_at or now)
    version = version_in_force(procedure_code, at=received_at, relations=("agencies", "documents"))
    applicant, delegate = normalised(applicant), normalised_delegate(delegate)
    files, matched = _validate(version, channel, competent, applicant, delegate, components, accept)
    signatures = check_signatures(files)  # OS-INTAKE-08, before the transaction
    try:
        with transaction.atomic():
            dossier = _create(
                version, unit, competent, channel, applicant, delegate, submitted_at or now, received_at, key
            )
            _store_components(dossier, files, matched, signatures)
            apply_transition(dossier, Action.SUBMIT, actor, {}, dossier.submitted_at)
            if accept:
                apply_transition(dossier, Action.ACCEPT, actor, {}, received_at)
    except IntegrityError:
        # Two requests with one idempotency key: the other one committed first.
        existing = Dossier.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return IntakeResult(existing, created=False)
    return IntakeResult(dossier, created=True)

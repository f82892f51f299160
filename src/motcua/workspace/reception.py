"""Counter reception: the draft that keeps uploads across failed submits, and the one-step outcome.

The outcome (receive + accept, receive + supplement request, receive + refusal) is checked against
the state machine *before* the dossier is created, so a missing reason never leaves a half-done
intake; the same idempotency key makes a double click return the dossier the first click created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Forbidden, ValidationFailed
from motcua.dossiers import services
from motcua.dossiers.applicants import Applicant, Delegate
from motcua.dossiers.engine import domain_error
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import scoped_agency_codes
from motcua.dossiers.states import Action, DossierFacts, DossierState, Role, TransitionError, find_transition
from motcua.workspace.models import DraftFile, ReceptionDraft

OUTCOMES = {"accept": None, "supplement": Action.REQUEST_SUPPLEMENT, "refuse": Action.NOT_ACCEPT}


@dataclass(frozen=True)
class DocumentEntry:
    code: str
    originals: int
    copies: int


def draft_for(key: str, user: Any) -> ReceptionDraft:
    draft, _created = ReceptionDraft.objects.get_or_create(key=key, defaults={"user": user})
    if draft.user_id != user.pk:
        raise Forbidden("draft_not_yours", "draft belongs to another official")
    return draft


def prune(user: Any, older_than: timedelta = timedelta(days=1)) -> None:
    """Forget this official's abandoned drafts (forms opened and never finished) and their files."""
    for draft in ReceptionDraft.objects.filter(user=user, created_at__lt=timezone.now() - older_than):
        discard(draft)


def keep_upload(draft: ReceptionDraft, code: str, uploaded: Any) -> None:
    """Store (or replace) the file for one required document; it stays until the dossier exists."""
    content = uploaded.read()
    with transaction.atomic():
        old = DraftFile.objects.filter(draft=draft, document_code=code).first()
        if old is not None:
            old.file.delete(save=False)
            old.delete()
        item = DraftFile(draft=draft, document_code=code, filename=uploaded.name[:255], size=len(content))
        item.file.save(uploaded.name, ContentFile(content), save=False)
        item.save()


def kept_files(draft: ReceptionDraft | None) -> dict[str, DraftFile]:
    if draft is None:
        return {}
    return {f.document_code: f for f in draft.files.all()}


def discard(draft: ReceptionDraft) -> None:
    for item in draft.files.all():
        item.file.delete(save=False)
    draft.delete()


def check_outcome(outcome: str, inputs: dict[str, Any]) -> None:
    """Ask the transition table whether the chosen outcome has what it requires (422 otherwise)."""
    action = OUTCOMES[outcome]
    if action is None:
        return
    facts = DossierFacts(now=timezone.now(), due_at=None, clock_stopped=True)
    try:
        find_transition(DossierState.SUBMITTED, action, {Role.INTAKE_OFFICER}, facts, inputs)
    except TransitionError as exc:
        raise domain_error(exc) from exc


def previous_applicant(user: Any, id_number: str) -> Dossier | None:
    """The latest dossier of this ID number in the official's agencies (to reuse what is known)."""
    codes = scoped_agency_codes(user)
    return (
        Dossier.objects.filter(applicant_id_number=id_number.strip(), receiving_unit__code__in=codes)
        .only(
            "applicant_type",
            "applicant_name",
            "applicant_id_number",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
        )
        .order_by("-received_at", "-id")
        .first()
    )


def receive(
    *,
    user: Any,
    draft: ReceptionDraft,
    procedure_code: str,
    unit_code: str,
    applicant: Applicant,
    delegate: Delegate | None,
    entries: list[DocumentEntry],
    outcome: str,
    inputs: dict[str, Any],
) -> tuple[Dossier, bool]:
    """Receive the dossier with the draft's files and apply the outcome; (dossier, created)."""
    if outcome not in OUTCOMES:
        raise ValidationFailed("outcome", [])
    check_outcome(outcome, inputs)
    files = kept_files(draft)
    uploads = []
    for entry in entries:
        item = files.get(entry.code)
        if item is None:
            continue
        with item.file.open("rb") as handle:
            content = handle.read()
        uploads.append(Upload(item.filename, content, "", entry.code, entry.originals, entry.copies))
    result = services.receive_dossier(
        procedure_code=procedure_code,
        channel="counter",
        receiving_unit=unit_code,
        applicant=applicant,
        delegate=delegate,
        components=uploads,
        user=user,
        accept=outcome == "accept",
        idempotency_key=draft.key,
    )
    dossier = result.dossier
    action = OUTCOMES[outcome]
    if result.created and action is not None:
        services.perform_action(dossier, action.value, user, inputs, dossier.version)
    return dossier, result.created

"""Dossier services: act on a dossier, list what the caller may do, find one (DESIGN.md rule 1).

Intake lives in `intake.py` and is re-exported here; views and API handlers call these functions
and nothing below them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers import attachments, permissions, process_link
from motcua.dossiers.engine import Actor, append_record, apply_transition, display_name, facts_of, stale_version
from motcua.dossiers.files import Upload
from motcua.dossiers.forms import issue
from motcua.dossiers.intake import IntakeResult, receive_dossier
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.projection import PROJECTED, rebuild_projection
from motcua.dossiers.states import Action, Role

__all__ = [
    "IntakeResult",
    "actor_for",
    "allowed_actions_for",
    "get_dossier",
    "perform_action",
    "perform_applicant_action",
    "rebuild_projection",
    "receive_dossier",
    "record_signature",
]


def actor_for(dossier: Dossier, user: Any) -> Actor:
    return Actor(user=user, name=display_name(user), roles=permissions.roles_for(dossier, user))


def get_dossier(code: str) -> Dossier:
    found = Dossier.objects.select_related(
        "procedure_version", "procedure_version__procedure", "receiving_unit", "competent_agency", "assignee"
    ).filter(code=code.strip())
    dossier: Dossier | None = found.first()
    if dossier is None:
        raise NotFound("unknown_dossier", _("Không tìm thấy hồ sơ có mã “%(code)s”.") % {"code": code})
    return dossier


def perform_action(
    dossier: Dossier,
    action: str,
    user: Any,
    inputs: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    *,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> DossierEvent:
    """Fire `action` on `dossier` as `user`; one event, projection updated, `version` bumped.

    `files` (a supplement, the result document, any attachment) are checked by content first,
    listed on the event and stored as components added by it, all in the same transaction.

    Raises Forbidden (403, audited) without a role in the dossier's agencies; Conflict (409) for a
    stale `expected_version`, an illegal action or a refusing guard; ValidationFailed (422) naming
    each missing or invalid input.
    """
    now = now or timezone.now()
    actor = actor_for(dossier, user)
    if not actor.roles:
        raise permissions.refuse(user, str(action), dossier.pk, dossier.code, dossier.competent_agency.code)
    return _perform(dossier, action, actor, inputs, expected_version, files, now)


# What an applicant may do from the portal on a dossier the portal knows they filed.
APPLICANT_ACTIONS = frozenset({"resupply", "withdraw"})


def perform_applicant_action(
    dossier: Dossier,
    action: str,
    user: Any,
    inputs: Mapping[str, Any] | None = None,
    *,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> DossierEvent:
    """The applicant's own act (OS-SUPP resupply, OS-STOP-01 withdrawal) from the portal.

    The caller (the portal) has established that `user` filed `dossier`; the act is taken with the
    applicant role in the receiving unit, through the same transition table as every other act."""
    if str(action) not in APPLICANT_ACTIONS:
        raise permissions.refuse(user, str(action), dossier.pk, dossier.code, dossier.competent_agency.code)
    actor = Actor(user=user, name=display_name(user), roles={Role.APPLICANT: dossier.receiving_unit.code})
    return _perform(dossier, action, actor, inputs, None, files, now or timezone.now())


def _locked(dossier: Dossier, expected_version: int | None) -> Dossier:
    """The dossier's row, locked for this transaction; a stale `expected_version` (a second tab,
    a double click) is refused before anything is written."""
    locked: Dossier = (
        Dossier.objects.select_for_update()
        .select_related("procedure_version", "receiving_unit", "competent_agency")
        .get(pk=dossier.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise stale_version(locked.version)
    return locked


def _perform(
    dossier: Dossier,
    action: str,
    actor: Actor,
    inputs: Mapping[str, Any] | None,
    expected_version: int | None,
    files: Sequence[Upload],
    now: datetime,
) -> DossierEvent:
    checked = attachments.check(files)
    signatures = attachments.check_signatures(checked)  # OS-INTAKE-08, before the transaction
    if checked:
        named = [{"name": str(n)} for n in (inputs or {}).get("attachments") or []]
        inputs = {**(inputs or {}), "attachments": named + attachments.describe(checked, signatures)}
    with transaction.atomic():
        locked = _locked(dossier, expected_version)
        event = apply_transition(locked, action, actor, inputs, now)
        attachments.store(locked, event, checked, signatures=signatures)
        if issue.issues_electronically(locked, (event.payload or {}).get("form")) and issue.issue_now():
            issue.issue(locked, event, now=now)  # forms 01-05 of online dossiers, signed (SIG-07)
    for name in ("version", *PROJECTED):
        setattr(dossier, name, getattr(locked, name))
    return event


COMMENT_MAX_LENGTH = 2000


def add_comment(
    dossier: Dossier,
    user: Any,
    text: str,
    *,
    files: Sequence[Upload] = (),
    expected_version: int | None = None,
    now: datetime | None = None,
) -> DossierEvent:
    """An official's comment on `dossier`, with or without files, as an event that changes no state
    (status, step and deadlines stay). Any official with a role in the dossier's agencies may
    comment; the files are checked and stored like an action's. A stale `expected_version` (a
    double click, a second tab) is refused like any other write."""
    from motcua.core.errors import FieldError, ValidationFailed

    now = now or timezone.now()
    actor = actor_for(dossier, user)
    if not actor.roles:
        raise permissions.refuse(user, Action.COMMENT.value, dossier.pk, dossier.code, dossier.competent_agency.code)
    text = str(text or "").strip()
    if not text and not files:
        message = _("Nhập ý kiến hoặc đính kèm tệp.")
        raise ValidationFailed(message, fields=[FieldError("comment", "required", message)])
    if len(text) > COMMENT_MAX_LENGTH:
        message = _("Ý kiến dài quá %(n)s ký tự.") % {"n": COMMENT_MAX_LENGTH}
        raise ValidationFailed(message, fields=[FieldError("comment", "too_long", message)])
    checked = attachments.check(files)
    signatures = attachments.check_signatures(checked)
    role = sorted(actor.roles)[0]
    with transaction.atomic():
        locked = _locked(dossier, expected_version)
        event = append_record(
            locked,
            Action.COMMENT,
            actor,
            role,
            {"comment": text},
            now,
            reason=text,
            attachments=attachments.describe(checked, signatures),
        )
        attachments.store(locked, event, checked, kind="attachment", signatures=signatures)
    for name in ("version", *PROJECTED):
        setattr(dossier, name, getattr(locked, name))
    return event


def allowed_actions_for(dossier: Dossier, user: Any, *, now: datetime | None = None) -> list[str]:
    """Actions `user` may take on `dossier` now (menus; the `allowed` list of a 409)."""
    roles = permissions.roles_for(dossier, user)
    if not roles:
        return []
    facts = facts_of(dossier, now or timezone.now())
    return [action.value for action in process_link.allowed_for(dossier, roles.keys(), facts)]


def record_signature(
    dossier: Dossier,
    signature: Mapping[str, Any],
    *,
    user: Any = None,
    role: str = Role.SYSTEM,
    agency_code: str = "",
    file: Upload | None = None,
    kind: str = "attachment",
    now: datetime | None = None,
) -> DossierEvent:
    """Record a digital signature on `dossier` as an event that changes no state (SIG-07).

    `signature` says who signed and how (purpose, kind personal/agency, signer, subject, serial,
    issuer, level, signed_at, document, sha256 after signing). With `file`, the signed document is
    stored as a component (of `kind`) added by that event, in the same transaction. Call it inside
    the transaction that produced the signature so both commit or roll back together.
    """
    now = now or timezone.now()
    checked = attachments.check([file]) if file is not None else []
    entry = dict(signature)
    if checked:
        entry.setdefault("sha256", checked[0].sha256)
        entry.setdefault("filename", checked[0].upload.filename[:255])
        entry.setdefault("document", checked[0].upload.name or checked[0].upload.filename)
    name = display_name(user) if user is not None else str(entry.get("signer") or "system")
    with transaction.atomic():
        locked = _locked(dossier, None)
        actor = Actor(user=user, name=name, roles={})
        described = attachments.describe(checked)
        event = append_record(
            locked,
            Action.SIGN,
            actor,
            role,
            {"signature": entry},
            now,
            agency_code=agency_code,
            attachments=described,
        )
        # The file signed here: what and when, as on the event (no need to verify our own signature).
        signed_here = {"signed": True, "by_event": event.seq}
        signed_here["signature"] = {k: entry.get(k) for k in ("signer", "kind", "serial", "level", "signed_at")}
        attachments.store(locked, event, checked, kind=kind, signatures=[signed_here])
    for field_name in ("version", *PROJECTED):
        setattr(dossier, field_name, getattr(locked, field_name))
    return event

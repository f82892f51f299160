"""Signatures on dossiers, through the dossier services only (DOC-SYS-05, SIG-01, SIG-07).

Every signature applied to a document of a dossier is also an event on the dossier (`sign`, no
state change): who signed, the certificate (kind, subject, serial, issuer), the document and its
SHA-256 after signing, the signing time and the PAdES level. The event is appended in the
transaction that stores the signed file, and a `SignatureRecord` per signature points at the dossier.

- `resolve_with_signed_result()`: the leader's personal signature on the result document (SIG-02),
  then the organisation's signature with its seal over the leader's image (SIG-01/03), then the
  dossier's RESOLVE action with the doubly signed PDF attached. Used where the process has no
  clerk step: the organisation key is applied by the server on the agency's behalf.
- With a clerk step (văn thư: "vào sổ, đóng dấu, phát hành"), the two signatures are two acts:
  `sign_result_as_leader()` stores the leader-signed result on the dossier (a `sign` event with
  the file); `issue_signed_result()` is the clerk's act: the number and notation, the organisation
  signature with the seal (SIG-01: only on a document the competent signer validly signed), the
  process step to the return desk, and RESOLVE with the issued file (SIG-06: the clerk uses the
  organisation key).
- `sign_form()`: a form 01-05 PDF issued electronically carries the receiving unit's signature at
  the top right of page 1 with the dossier code as its notation (SIG-04/SIG-07); the dossier app
  calls it through its form-signer registry (`hooks.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.signing import services
from motcua.signing.models import Certificate, SignatureRecord

LEADER_ROLES = ("agency_leader", "department_leader")


def _entry(purpose: str, certificate: Certificate, level: str) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "signer": certificate.common_name,
        "serial": certificate.serial,
        "issuer": certificate.issuer,
        "level": level,
    }


def _role(dossier, user, wanted: tuple[str, ...], default: str) -> tuple[str, str]:
    """(role, agency code) under which `user` acts on `dossier`, preferring `wanted` roles."""
    from motcua.dossiers.permissions import roles_for

    roles = roles_for(dossier, user) if user is not None else {}
    for role in wanted:
        if role in roles:
            return role, roles[role]
    return default, dossier.competent_agency.code


def _record(
    dossier, record: SignatureRecord, user, roles: tuple[str, ...], *, document: str, filename: str, now, upload=None
):
    from motcua.dossiers.services import record_signature

    acting_role, agency = _role(dossier, user, roles, roles[-1])
    entry = {**services.signature_entry(record), "document": document, "filename": filename}
    return record_signature(
        dossier, entry, user=user, role=acting_role, agency_code=agency, file=upload, kind="attachment", now=now
    )


def _leader_certificate(leader_user) -> Certificate:
    official = getattr(leader_user, "official", None)
    personal = services.personal_certificate(official) if official is not None else None
    if personal is None:
        raise ValidationFailed(
            _("Lãnh đạo chưa có chứng thư số cá nhân dùng được trên máy chủ."), code="no_certificate"
        )
    return personal


def _agency_certificate(dossier) -> Certificate:
    organisation = services.agency_certificate(dossier.competent_agency)
    if organisation is None:
        raise ValidationFailed(_("Cơ quan chưa có chứng thư số tổ chức dùng được trên máy chủ."), code="no_certificate")
    return organisation


def resolve_with_signed_result(
    dossier,
    pdf: bytes,
    leader_user,
    *,
    result_kind: str = "approval",
    filename: str = "ket-qua-giai-quyet.pdf",
    reason: str = "",
    now: datetime | None = None,
):
    """Sign the result (leader, then organisation) and resolve the dossier with it attached."""
    from motcua.dossiers.files import Upload
    from motcua.dossiers.services import allowed_actions_for, perform_action

    if "resolve" not in allowed_actions_for(dossier, leader_user, now=now):
        raise Conflict("action_not_allowed", _("Người dùng không được giải quyết hồ sơ này lúc này."))
    personal = _leader_certificate(leader_user)
    organisation = _agency_certificate(dossier)
    related = ("dossiers.dossier", dossier.code)
    level = str(services.conf("LEVEL", "B-T"))
    name = _("Kết quả giải quyết (đã ký số)")
    with transaction.atomic():
        records: list[SignatureRecord] = []
        signed = services.sign_as_leader(pdf, personal, related=related, reason=reason, records=records)
        signed = services.sign_as_agency(signed, organisation, related=related, records=records)
        _record(dossier, records[0], leader_user, LEADER_ROLES, document=str(name), filename=filename, now=now)
        _record(dossier, records[1], leader_user, ("system",), document=str(name), filename=filename, now=now)
        inputs = {
            "result_kind": result_kind,
            "signatures": [_entry("signer", personal, level), _entry("agency", organisation, level)],
        }
        upload = Upload(filename=filename, content=signed, name=name)
        return perform_action(dossier, "resolve", leader_user, inputs, files=[upload], now=now)


def _leader_may_sign(dossier, leader_user) -> str:
    from motcua.dossiers.permissions import roles_for

    roles = roles_for(dossier, leader_user)
    role = next((r for r in LEADER_ROLES if r in roles), None)
    if role is None or dossier.status != "in_process":
        raise Conflict("action_not_allowed", _("Người dùng không được ký kết quả của hồ sơ này lúc này."))
    return role


def sign_result_as_leader(
    dossier,
    pdf: bytes,
    leader_user,
    *,
    filename: str = "ket-qua-giai-quyet.pdf",
    reason: str = "",
    now: datetime | None = None,
):
    """The competent signer signs the result (SIG-02); the signed file is stored on the dossier by
    the `sign` event, for the clerk to issue. Returns the event."""
    from motcua.dossiers.files import Upload

    role = _leader_may_sign(dossier, leader_user)
    personal = _leader_certificate(leader_user)
    name = _("Kết quả giải quyết (lãnh đạo đã ký số, chờ phát hành)")
    with transaction.atomic():
        records: list[SignatureRecord] = []
        signed = services.sign_as_leader(
            pdf, personal, related=("dossiers.dossier", dossier.code), reason=reason, records=records
        )
        upload = Upload(filename=filename, content=signed, name=str(name))
        return _record(
            dossier, records[0], leader_user, (role,), document=str(name), filename=filename, now=now, upload=upload
        )


def leader_signed_result(dossier):
    """The latest result the competent signer signed on this dossier (a component stored by a
    `sign` event of purpose "signer"), or None."""
    event = (
        dossier.events.filter(action="sign", payload__signature__purpose="signer", attachments__isnull=False)
        .order_by("-seq")
        .first()
    )
    if event is None or not event.attachments:
        return None
    return dossier.components.filter(added_by_event=event.seq).order_by("-id").first()


def has_clerk_step(dossier) -> bool:
    """Whether the dossier's pinned process has an issuance step for the clerk (văn thư): then the
    leader's signature and the agency's are two acts; otherwise both are applied when resolving."""
    from motcua.dossiers import process_link

    template = process_link.template_of(dossier)
    return template is not None and any(step.role == "clerk" for step in template.steps.all())


def clerk_step_transition(dossier) -> str:
    """The process transition the clerk takes from the dossier's current step ("" if none): the
    issuance step (văn thư) of the pinned process."""
    from motcua.dossiers import process_link

    template = process_link.template_of(dossier)
    if template is None or not dossier.current_step:
        return ""
    steps = {s.key: s for s in template.steps.all()}
    step = steps.get(dossier.current_step)
    if step is None or step.role != "clerk":
        return ""
    for transition in template.transitions.all():
        if transition.from_step == dossier.current_step and transition.to_step != transition.from_step:
            roles = set(transition.roles or [step.role])
            target = steps.get(transition.to_step)
            if "clerk" in roles and target is not None and target.key != step.key and transition.action != "send_back":
                return str(transition.action)
    return ""


def issue_signed_result(
    dossier,
    clerk_user,
    *,
    notation: str,
    result_kind: str = "approval",
    filename: str = "ket-qua-giai-quyet.pdf",
    now: datetime | None = None,
):
    """The clerk issues the result the leader signed: number and notation, the organisation's
    signature with its seal (SIG-01, SIG-03, SIG-06), the process step moved on when the process
    has a clerk step, and RESOLVE with the issued file. Returns the RESOLVE event."""
    from motcua.dossiers.files import Upload
    from motcua.dossiers.permissions import roles_for
    from motcua.dossiers.services import perform_action

    notation = " ".join(str(notation or "").split())
    if not notation:
        raise ValidationFailed(_("Nhập số, ký hiệu của văn bản trước khi phát hành."), code="notation_required")
    roles = roles_for(dossier, clerk_user)
    if "clerk" not in roles:
        raise Conflict("action_not_allowed", _("Chỉ văn thư được đóng dấu, ký số của cơ quan và phát hành."))
    component = leader_signed_result(dossier)
    if component is None:
        raise NotFound("no_signed_result", _("Hồ sơ chưa có kết quả được lãnh đạo ký số."))
    organisation = _agency_certificate(dossier)
    with component.file.open("rb") as fh:
        draft = fh.read()
    name = _("Kết quả giải quyết %(notation)s (đã ký số, đóng dấu)") % {"notation": notation}
    step = clerk_step_transition(dossier)
    with transaction.atomic():
        records: list[SignatureRecord] = []
        signed = services.sign_as_agency(
            draft, organisation, related=("dossiers.dossier", dossier.code), reason=notation, records=records
        )
        event = _record(dossier, records[0], clerk_user, ("clerk",), document=str(name), filename=filename, now=now)
        if step:
            perform_action(dossier, "complete_step", clerk_user, {"transition": step}, now=now)
        inputs = {"result_kind": result_kind, "notation": notation, "signatures": [event.payload["signature"]]}
        upload = Upload(filename=filename, content=signed, name=str(name))
        return perform_action(dossier, "resolve", clerk_user, inputs, files=[upload], now=now)


def sign_form(pdf: bytes, dossier, *, agency=None, records: list[SignatureRecord] | None = None) -> bytes:
    """A form issued electronically, signed by the receiving unit (SIG-07), notation = dossier code.
    Returns the PDF unchanged when the unit has no organisation key on this server."""
    unit = agency or dossier.receiving_unit
    certificate = services.agency_certificate(unit)
    if certificate is None:
        return pdf
    return services.sign_attachment(
        pdf,
        certificate,
        notation=dossier.code,
        purpose="form",
        related=("dossiers.dossier", dossier.code),
        records=records,
    )

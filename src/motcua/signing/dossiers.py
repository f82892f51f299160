"""Signatures on dossiers, through the dossier services only (DOC-SYS-05, SIG-01, SIG-07).

`resolve_with_signed_result()`: the leader's personal signature on the result document (SIG-02),
then the organisation's signature with its seal over the leader's image (SIG-01/03), then the
dossier's RESOLVE action with the doubly signed PDF attached. The RESOLVE event lists each
signature (purpose, signer, certificate serial, level) in its inputs, and a SignatureRecord per
signature points at the dossier. Nothing is signed when the user may not resolve the dossier, and
the records roll back with the action if it fails.

`sign_form()`: a form 01-05 PDF issued electronically carries the receiving unit's signature at the
top right of page 1 with the dossier code as its notation (SIG-04/SIG-07).

The organisation key is used server-side on behalf of the clerk (SIG-06 is met by who may hold and
configure that key: the administrator, not the leader); documents/ will move the organisation
signature to the clerk's issuance step once that app exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, ValidationFailed
from motcua.signing import services
from motcua.signing.models import Certificate


def _entry(purpose: str, certificate: Certificate, level: str) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "signer": certificate.common_name,
        "serial": certificate.serial,
        "issuer": certificate.issuer,
        "level": level,
    }


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
    official = getattr(leader_user, "official", None)
    personal = services.personal_certificate(official) if official is not None else None
    if personal is None:
        raise ValidationFailed(
            _("Lãnh đạo chưa có chứng thư số cá nhân dùng được trên máy chủ."), code="no_certificate"
        )
    organisation = services.agency_certificate(dossier.competent_agency)
    if organisation is None:
        raise ValidationFailed(_("Cơ quan chưa có chứng thư số tổ chức dùng được trên máy chủ."), code="no_certificate")
    related = ("dossiers.dossier", dossier.code)
    level = str(services.conf("LEVEL", "B-T"))
    with transaction.atomic():
        signed = services.sign_as_leader(pdf, personal, related=related, reason=reason)
        signed = services.sign_as_agency(signed, organisation, related=related)
        inputs = {
            "result_kind": result_kind,
            "signatures": [_entry("signer", personal, level), _entry("agency", organisation, level)],
        }
        upload = Upload(filename=filename, content=signed, name=_("Kết quả giải quyết (đã ký số)"))
        return perform_action(dossier, "resolve", leader_user, inputs, files=[upload], now=now)


def sign_form(pdf: bytes, dossier, *, agency=None) -> bytes:
    """A form issued electronically, signed by the receiving unit (SIG-07), notation = dossier code.
    Returns the PDF unchanged when the unit has no organisation key on this server."""
    unit = agency or dossier.receiving_unit
    certificate = services.agency_certificate(unit)
    if certificate is None:
        return pdf
    return services.sign_attachment(
        pdf, certificate, notation=dossier.code, purpose="form", related=("dossiers.dossier", dossier.code)
    )

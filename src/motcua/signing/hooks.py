"""The signing app's plugins in the dossiers app's registries (DESIGN.md rule 5), registered in
`SigningConfig.ready()`: the dossiers app never imports the signing app.

- form signer `agency`: forms 01-05 issued electronically are signed by the receiving unit
  (SIG-07); None (issued unsigned, said on the component) when the unit has no organisation key.
- signature checker `pyhanko`: the signatures of uploaded PDFs are verified at intake and on
  supplements (OS-INTAKE-08); the summary (SIG-09 fields) is stored on the component.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils import timezone

from motcua.core.errors import ValidationFailed

FORM_SIGNER = "agency"
CHECKER = "pyhanko"


def sign_issued_form(pdf: bytes, dossier: Any, key: str) -> Any:
    from motcua.dossiers.forms.issue import SignedForm
    from motcua.signing import services
    from motcua.signing.dossiers import sign_form
    from motcua.signing.models import SignatureRecord

    records: list[SignatureRecord] = []
    signed = sign_form(pdf, dossier, records=records)
    if not records:
        return None
    return SignedForm(signed, services.signature_entry(records[0]))


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def summary(report: Any) -> dict[str, Any]:
    """What a component keeps of a verification report (SIG-09): per signature the signer, issuer,
    serial, intact, valid, trusted, revoked, signing time, time-stamp, modification, level."""
    return {
        "signed": bool(report.signatures),
        "checked": True,
        "ok": report.ok,
        "checked_at": timezone.now().isoformat(),
        "signatures": [
            {
                "signer": s.signer.subject if s.signer else "",
                "issuer": s.signer.issuer if s.signer else "",
                "serial": s.signer.serial if s.signer else "",
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "revoked": s.revoked,
                "modified_after_signing": s.modified_after_signing,
                "signing_time": _when(s.signing_time),
                "timestamp": _when(s.timestamp),
                "level": s.level,
                "ok": s.ok,
                "problems": [str(p) for p in s.problems],
            }
            for s in report.signatures
        ],
    }


def check_uploaded_pdf(content: bytes) -> dict[str, Any]:
    from motcua.signing.verification import verify_pdf

    try:
        report = verify_pdf(content)
    except ValidationFailed as exc:  # encrypted, malformed: signed (it has a /ByteRange) but unreadable
        return {"signed": True, "checked": True, "ok": False, "signatures": [], "problems": [str(exc.message)]}
    return summary(report)


def register() -> None:
    """Install the plugins once (idempotent: `ready()` may run more than once in tests)."""
    from motcua.dossiers import attachments
    from motcua.dossiers.forms import issue

    with contextlib.suppress(ValueError):  # already registered
        issue.register_form_signer(FORM_SIGNER)(sign_issued_form)
    with contextlib.suppress(ValueError):
        attachments.register_signature_checker(CHECKER)(check_uploaded_pdf)

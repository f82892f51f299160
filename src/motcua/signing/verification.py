"""Verify every signature in an untrusted PDF (SIG-09, OS-INTAKE-08, DOC-IN-02).

The report per signature says who signed, the certificate chain, whether it chains to a root the
administrator trusts (TrustedRoot, not the OS store: SIG-10), integrity, signing time, time-stamp,
revocation status and whether the document changed after signing. Revocation data embedded in the
document (DSS, B-LT) is used first; fetching CRL/OCSP over the network is on by default and can be
turned off with settings.MOTCUA["SIGNING"]["VERIFY_FETCH"] = False. Fetching only happens for
certificates that chain to a trusted root (path building comes first), so an uploaded PDF cannot
make the server call arbitrary URLs through an untrusted certificate.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from motcua.signing import aio
from motcua.signing.pades import check_pdf

logger = logging.getLogger("motcua.signing")


@dataclass
class CertInfo:
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime


@dataclass
class SignatureReport:
    field: str
    signer: CertInfo | None
    chain: list[CertInfo] = field(default_factory=list)
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    revocation: str = "unknown"  # good, revoked, unknown
    signing_time: datetime | None = None
    timestamp: datetime | None = None
    timestamp_valid: bool | None = None
    covers_whole_document: bool = False
    modified_after_signing: bool = False
    modification: str = ""
    level: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked and not self.modified_after_signing


@dataclass
class Report:
    signatures: list[SignatureReport]

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    def as_dict(self) -> dict:
        data = asdict(self)
        for sig, item in zip(self.signatures, data["signatures"], strict=True):
            item["ok"] = sig.ok
        data["ok"] = self.ok
        return data


def _info(cert: asn1_x509.Certificate) -> CertInfo:
    return CertInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )


@functools.lru_cache(maxsize=64)
def _asn1_root(der: bytes) -> asn1_x509.Certificate:
    """Parsed once per process: a trust anchor is read on every verification."""
    return asn1_x509.Certificate.load(der)


def _asn1_roots(roots) -> list[asn1_x509.Certificate]:
    out = []
    for root in roots:
        if isinstance(root, asn1_x509.Certificate):
            out.append(root)
        else:
            out.append(_asn1_root(root.public_bytes(Encoding.DER)))
    return out


def context_kwargs(roots, fetch: bool) -> dict:
    """ValidationContext arguments: our roots only, soft-fail when a CA cannot be reached. Whoever
    runs a check closes the context (`aclose`) so no HTTP session outlives its event loop."""
    return {"trust_roots": _asn1_roots(roots), "allow_fetching": fetch, "revocation_mode": "soft-fail"}


def make_context(roots, fetch: bool = True) -> ValidationContext:
    return ValidationContext(**context_kwargs(roots, fetch))


def _fetch_enabled() -> bool:
    return bool(getattr(settings, "MOTCUA", {}).get("SIGNING", {}).get("VERIFY_FETCH", True))


def verify_pdf(data: bytes, roots=None, *, allow_fetching: bool | None = None) -> Report:
    """Check every signature in `data` against `roots` (default: the active TrustedRoot rows)."""
    reader = check_pdf(data)
    if roots is None:
        from motcua.signing.registry import trusted_roots

        roots = trusted_roots()
    fetch = _fetch_enabled() if allow_fetching is None else allow_fetching
    kwargs = context_kwargs(roots, fetch)
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        context_factory = lambda: dss.as_validation_context(kwargs)  # noqa: E731
        level_base = "B-LT" if (dss.crls or dss.ocsps) else ""
    except Exception:
        context_factory = lambda: ValidationContext(**kwargs)  # noqa: E731
        level_base = ""
    reports = []
    try:
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # broken AcroForm
        logger.info("signing.verify_malformed", extra={"error": type(exc).__name__})
        embedded = []
    for sig in embedded:
        reports.append(_one(sig, context_factory, level_base))
    return Report(reports)


async def _validate(sig, context: ValidationContext):
    try:
        return await async_validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=context)
    finally:
        await context.aclose()


def _one(sig, context_factory, level_base: str) -> SignatureReport:
    report = SignatureReport(field=sig.field_name or "", signer=None)
    try:
        report.signer = _info(sig.signer_cert)
    except Exception:
        report.problems.append(_("Không đọc được chứng thư của người ký."))
    try:
        status = aio.run(_validate(sig, context_factory()))
    except Exception as exc:  # hostile input: any failure is a broken signature, never a crash
        logger.info("signing.verify_error", extra={"error": type(exc).__name__})
        report.problems.append(_("Chữ ký bị hỏng hoặc sai cấu trúc."))
        return report
    report.intact, report.valid = status.intact, status.valid
    report.trusted, report.revoked = status.trusted, status.revoked
    if status.revoked:
        report.revocation = "revoked"
    elif status.trusted:
        report.revocation = "good"
    if status.validation_path is not None:
        report.chain = [_info(c) for c in status.validation_path.iter_certs(include_root=True)]
    report.signing_time = status.signer_reported_dt
    if status.timestamp_validity is not None:
        report.timestamp = status.timestamp_validity.timestamp
        report.timestamp_valid = status.timestamp_validity.valid and status.timestamp_validity.intact
    report.covers_whole_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    report.modification = level.name if level is not None else ""
    # Later signatures, form filling and DSS/time-stamp updates are allowed incremental updates;
    # anything else (or coverage we cannot establish) means the document changed after signing.
    report.modified_after_signing = status.coverage not in (
        SignatureCoverageLevel.ENTIRE_FILE,
        SignatureCoverageLevel.ENTIRE_REVISION,
    ) or (level is not None and level > ModificationLevel.FORM_FILLING)
    report.level = level_base or ("B-T" if report.timestamp else "B-B")
    if not report.intact:
        report.problems.append(_("Nội dung đã bị thay đổi: chữ ký không còn khớp với tài liệu."))
    elif not report.valid:
        report.problems.append(_("Chữ ký không hợp lệ về mặt mật mã."))
    if report.revoked:
        report.problems.append(_("Chứng thư của người ký đã bị thu hồi."))
    elif not report.trusted:
        report.problems.append(_("Chứng thư không thuộc chuỗi tin cậy đã cấu hình (hoặc hết hạn)."))
    if report.modified_after_signing and report.intact:
        report.problems.append(_("Tài liệu đã bị sửa đổi sau khi ký."))
    return report

"""Signing with registry certificates: the one interface the rest of motcua calls (SIG-10).

`sign_document()` checks the certificate may sign (active, in its validity period, not revoked,
the right kind for the purpose: SIG-06), applies the signature at the configured PAdES level
(SIG-08: B-T by default, B-LT when asked) with the appearance the rules require, and records a
SignatureRecord. `sign_as_agency()` refuses documents that carry no valid signature of a competent
signer (SIG-01). Settings: MOTCUA["SIGNING"] = {"LEVEL", "TSA_URL", "VERIFY_FETCH", "SECRETS_DIR",
"FONTS"}; MOTCUA_SIGNING_TSA_URL and MOTCUA_SIGNING_LEVEL in the environment override them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError, PathBuildingError, PathValidationError, RevokedError

from motcua.core.errors import ValidationFailed
from motcua.signing import aio, pades
from motcua.signing.keys import open_signer
from motcua.signing.models import Certificate, CertificateKind, SignatureRecord
from motcua.signing.registry import trusted_roots
from motcua.signing.verification import make_context, verify_pdf

logger = logging.getLogger("motcua.signing")

PURPOSE_KIND = {
    "signer": CertificateKind.PERSONAL,
    "agency": CertificateKind.AGENCY,
    "attachment": CertificateKind.AGENCY,
    "form": CertificateKind.AGENCY,
    "copy": CertificateKind.AGENCY,
}
# SIG-05: the forms of e-copy (NĐ 30/2020 Art. 25-26) and the words printed for each.
COPY_FORMS = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}


def conf(name: str, default=None):
    env = os.environ.get(f"MOTCUA_SIGNING_{name}")
    if env:
        return env
    return getattr(settings, "MOTCUA", {}).get("SIGNING", {}).get(name, default)


def validation_context(fetch: bool = True) -> ValidationContext:
    return make_context(trusted_roots(), fetch)


def check_usable(certificate: Certificate, purpose: str, now: datetime | None = None) -> None:
    """Refuse, with a reason, a certificate that must not sign now for this purpose."""
    now = now or timezone.now()
    if purpose not in PURPOSE_KIND:
        raise ValidationFailed(_("Mục đích ký không hợp lệ."), code="purpose_invalid")
    if certificate.kind != PURPOSE_KIND[purpose]:
        if PURPOSE_KIND[purpose] == CertificateKind.AGENCY:
            raise ValidationFailed(_("Việc này phải ký bằng chứng thư số của cơ quan."), code="wrong_kind")
        raise ValidationFailed(_("Người có thẩm quyền phải ký bằng chứng thư số cá nhân."), code="wrong_kind")
    if not certificate.is_active or certificate.revoked_at is not None:
        raise ValidationFailed(_("Chứng thư số đã bị thu hồi hoặc ngừng sử dụng."), code="certificate_revoked")
    if now < certificate.not_before:
        raise ValidationFailed(_("Chứng thư số chưa đến ngày có hiệu lực."), code="certificate_not_yet_valid")
    if now >= certificate.not_after:
        raise ValidationFailed(
            _("Chứng thư số đã hết hạn ngày %(d)s.")
            % {"d": timezone.localtime(certificate.not_after).strftime("%d/%m/%Y")},
            code="certificate_expired",
        )


async def _validate_usage(validator: CertificateValidator, context: ValidationContext) -> None:
    try:
        await validator.async_validate_usage(set())
    finally:
        await context.aclose()


def check_revocation(cert_der: bytes, context: ValidationContext) -> None:
    """Ask the CA (CRL/OCSP, soft-fail when unreachable) whether the certificate is revoked."""
    try:
        validator = CertificateValidator(asn1_x509.Certificate.load(cert_der), validation_context=context)
        aio.run(_validate_usage(validator, context))
    except RevokedError as exc:
        raise ValidationFailed(
            _("Chứng thư số đã bị tổ chức cấp thu hồi; tài liệu chưa được ký."), code="certificate_revoked"
        ) from exc
    except (PathBuildingError, PathValidationError, InvalidCertificateError):
        # Not chaining to a configured root is a trust question for the verifier, not a reason to
        # refuse signing (the root may simply not be configured on this server).
        logger.info("signing.presign_untrusted")


def sign_document(
    data: bytes,
    certificate: Certificate,
    *,
    purpose: str,
    visible: pades.Visible | None = None,
    level: str | None = None,
    related: tuple[str, str] | None = None,
    reason: str = "",
    now: datetime | None = None,
    records: list[SignatureRecord] | None = None,
) -> bytes:
    """Sign `data`; the SignatureRecord made is appended to `records` when a list is given."""
    check_usable(certificate, purpose, now)
    level = pades.Level(level or conf("LEVEL", "B-T"))
    context = validation_context() if trusted_roots() else None
    if context is not None:
        check_revocation(bytes(certificate.der), context)
    tsa_url = conf("TSA_URL", "")
    if level is pades.Level.B_LT and context is None:
        raise ValidationFailed(_("Chưa cấu hình chứng thư gốc tin cậy nên không ký được mức B-LT."))
    with open_signer(certificate) as signer:
        if signer.signing_cert.dump() != bytes(certificate.der):
            raise ValidationFailed(_("Khoá ký không khớp với chứng thư trong danh mục."), code="key_mismatch")
        signed = pades.sign_pdf(
            data, signer, level=level, tsa_url=tsa_url, validation_context=context, visible=visible, reason=reason
        )
    record = SignatureRecord.objects.create(
        certificate=certificate,
        purpose=purpose,
        level=str(level),
        document_sha256=hashlib.sha256(signed).hexdigest(),
        related_type=related[0] if related else "",
        related_id=str(related[1]) if related else "",
        signed_at=timezone.now(),
    )
    logger.info("signing.signed", extra={"record_id": record.pk, "purpose": purpose, "pades_level": str(level)})
    if records is not None:
        records.append(record)
    return signed


def signature_entry(record: SignatureRecord) -> dict[str, Any]:
    """What a dossier event records about one signature (SIG-07, issue 6): purpose, certificate kind
    (personal/agency), signer, subject, serial, issuer, level, signing time, SHA-256 after signing."""
    certificate = record.certificate
    return {
        "purpose": record.purpose,
        "kind": certificate.kind,
        "signer": certificate.common_name or certificate.subject,
        "subject": certificate.subject,
        "serial": certificate.serial,
        "issuer": certificate.issuer,
        "level": record.level,
        "signed_at": record.signed_at.isoformat(),
        "sha256": record.document_sha256,
        "record_id": record.pk,
    }


def sign_as_leader(data: bytes, certificate: Certificate, *, title: str = "", **kwargs) -> bytes:
    """The competent signer's signature with the signature image, title and name (SIG-02)."""
    official = certificate.official
    image = None
    if official is not None and official.signature_image:
        with official.signature_image.open("rb") as fh:
            image = fh.read()
    visible = pades.Visible(
        "signer",
        name=official.full_name if official else certificate.common_name,
        title=title or (official.title if official else ""),
        signature_png=image,
    )
    return sign_document(data, certificate, purpose="signer", visible=visible, **kwargs)


def sign_as_agency(data: bytes, certificate: Certificate, **kwargs) -> bytes:
    """The organisation's signature with the seal over the signer's image (SIG-01, SIG-03): only on
    a document that already carries a valid, untouched signature."""
    report = verify_pdf(data)
    if not report.signatures or not all(
        s.intact and s.valid and not s.modified_after_signing for s in report.signatures
    ):
        raise ValidationFailed(
            _("Tài liệu chưa được người có thẩm quyền ký hợp lệ; văn thư không được ký số của cơ quan."),
            code="not_signed_by_signer",
        )
    seal = None
    if certificate.seal_image:
        with certificate.seal_image.open("rb") as fh:
            seal = fh.read()
    visible = pades.Visible("seal", seal_png=seal) if seal else None
    return sign_document(data, certificate, purpose="agency", visible=visible, **kwargs)


def sign_attachment(data: bytes, certificate: Certificate, *, notation: str, **kwargs) -> bytes:
    """Attachment or e-copy: agency signature top right of page 1, text only (SIG-04, SIG-05)."""
    visible = pades.Visible("attachment", notation=notation)
    return sign_document(data, certificate, purpose=kwargs.pop("purpose", "attachment"), visible=visible, **kwargs)


def sign_copy(data: bytes, certificate: Certificate, *, copy_form: str = "sao_y", **kwargs) -> bytes:
    """An e-copy (sao y, sao lục, trích sao; SIG-05): a PDF 1.4 or later, signed by the copying
    organisation at the top right of page 1, no image, text "<copy form>; <organisation>; <time>"."""
    if copy_form not in COPY_FORMS:
        raise ValidationFailed(
            _("Hình thức sao không hợp lệ (sao y, sao lục hoặc trích sao)."), code="copy_form_invalid"
        )
    version = pades.pdf_version(data)
    if version is not None and version < (1, 4):
        raise ValidationFailed(_("Bản sao điện tử phải là tệp PDF phiên bản 1.4 trở lên."), code="pdf_version_too_old")
    visible = pades.Visible("copy", copy_form=COPY_FORMS[copy_form], organisation=str(certificate.agency.name))
    return sign_document(data, certificate, purpose="copy", visible=visible, **kwargs)


def agency_certificate(agency, now: datetime | None = None) -> Certificate | None:
    """The agency's usable organisation certificate with a key on this server, if any."""
    now = now or timezone.now()
    return (
        Certificate.objects.filter(
            agency=agency,
            kind=CertificateKind.AGENCY,
            is_active=True,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
        .exclude(key_store="none")
        .order_by("-not_after")
        .first()
    )


def personal_certificate(official, now: datetime | None = None) -> Certificate | None:
    now = now or timezone.now()
    return (
        Certificate.objects.filter(
            official=official,
            kind=CertificateKind.PERSONAL,
            is_active=True,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
        .exclude(key_store="none")
        .order_by("-not_after")
        .first()
    )

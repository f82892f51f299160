"""Certificate registry services: import from PEM / DER / PKCS#12, counts per agency and kind,
expiry warnings 30 days ahead through the notification outbox, and the trusted roots."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError, ValidationFailed
from motcua.signing.models import Certificate, CertificateKind, KeyStore, TrustedRoot

logger = logging.getLogger("motcua.signing")

EXPIRY_WARNING_DAYS = 30
MAX_CERT_FILE = 256 * 1024


@dataclass
class Parsed:
    certificate: x509.Certificate
    has_key: bool = False


def parse_certificate_file(data: bytes, password: str | bytes | None = None) -> Parsed:
    """Read a certificate from PEM, DER or PKCS#12 bytes; a clear Vietnamese error otherwise."""
    if not data:
        raise ValidationFailed(_("Tệp chứng thư rỗng."), code="not_a_certificate")
    if len(data) > MAX_CERT_FILE:
        raise ValidationFailed(_("Tệp chứng thư quá lớn."), code="not_a_certificate")
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            return Parsed(x509.load_pem_x509_certificate(data))
        except ValueError as exc:
            raise ValidationFailed(_("Tệp PEM không chứa chứng thư số hợp lệ."), code="not_a_certificate") from exc
    try:
        return Parsed(x509.load_der_x509_certificate(data))
    except ValueError:
        pass
    if isinstance(password, str):
        password = password.encode()
    try:
        _key, cert, _others = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as exc:
        message = str(exc).lower()
        if "password" in message or "mac" in message or "decrypt" in message:
            raise ValidationFailed(_("Sai mật khẩu tệp PKCS#12."), code="pkcs12_password") from exc
        raise ValidationFailed(
            _("Tệp không phải chứng thư số (PEM, DER) hay tệp PKCS#12."), code="not_a_certificate"
        ) from exc
    if cert is None:
        raise ValidationFailed(_("Tệp PKCS#12 không chứa chứng thư số."), code="not_a_certificate")
    return Parsed(cert, has_key=_key is not None)


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def import_certificate(
    data: bytes,
    *,
    kind: str,
    agency,
    official=None,
    password: str | bytes | None = None,
    key_store: str = KeyStore.NONE,
    allow_expired: bool = False,
    now: datetime | None = None,
    **key_location: str,
) -> Certificate:
    """Add a certificate to the registry. `key_location` holds the KeyStore fields (pkcs12_path,
    secret_env, secret_file, pkcs11_module, pkcs11_token, pkcs11_key, pkcs11_cert)."""
    now = now or timezone.now()
    if kind not in CertificateKind.values:
        raise ValidationFailed(
            _("Loại chứng thư không hợp lệ."), [FieldError("kind", "invalid", _("Chọn tổ chức hoặc cá nhân."))]
        )
    if kind == CertificateKind.PERSONAL and official is None:
        raise ValidationFailed(
            _("Chứng thư cá nhân phải gắn với một cán bộ."), [FieldError("official", "required", _("Bắt buộc."))]
        )
    if official is not None and official.agency_id != agency.pk:
        raise ValidationFailed(
            _("Cán bộ không thuộc cơ quan đã chọn."), [FieldError("official", "invalid", _("Sai cơ quan."))]
        )
    cert = parse_certificate_file(data, password).certificate
    if cert.not_valid_after_utc <= now and not allow_expired:
        raise ValidationFailed(
            _("Chứng thư số đã hết hạn ngày %(d)s.") % {"d": cert.not_valid_after_utc.date().strftime("%d/%m/%Y")},
            code="certificate_expired",
        )
    allowed = {"pkcs12_path", "secret_env", "secret_file", "pkcs11_module", "pkcs11_token", "pkcs11_key", "pkcs11_cert"}
    unknown = set(key_location) - allowed
    if unknown:
        raise TypeError(f"unknown key location fields: {sorted(unknown)}")
    if key_store != KeyStore.NONE and not (key_location.get("secret_env") or key_location.get("secret_file")):
        raise ValidationFailed(
            _("Khai báo biến môi trường hoặc tệp bí mật chứa mật khẩu/PIN của khoá."), code="secret_missing"
        )
    print_ = fingerprint(cert)
    if Certificate.objects.filter(fingerprint=print_).exists():
        raise ValidationFailed(_("Chứng thư này đã có trong danh mục."), code="duplicate")
    record = Certificate.objects.create(
        kind=kind,
        agency=agency,
        official=official,
        subject=cert.subject.rfc4514_string()[:500],
        common_name=_common_name(cert.subject)[:255],
        issuer=cert.issuer.rfc4514_string()[:500],
        serial=format(cert.serial_number, "X"),
        fingerprint=print_,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        der=cert.public_bytes(serialization.Encoding.DER),
        key_store=key_store,
        **key_location,
    )
    logger.info("signing.certificate_imported", extra={"certificate_id": record.pk, "kind": kind})
    return record


def counts(agency_ids: list[int] | None = None) -> list[dict]:
    """Active, unexpired certificates per agency and kind: [{agency_id, kind, count}]."""
    rows = Certificate.objects.filter(is_active=True, revoked_at__isnull=True, not_after__gt=timezone.now())
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    return list(rows.values("agency_id", "kind").annotate(count=Count("id")).order_by("agency_id", "kind"))


def totals() -> dict[str, int]:
    """Province-wide totals by kind, as the provinces report them (e.g. 422 agency + 914 personal)."""
    data = {kind: 0 for kind in CertificateKind.values}
    for row in counts():
        data[row["kind"]] += row["count"]
    data["total"] = sum(data.values())
    return data


def expiring(now: datetime | None = None, days: int = EXPIRY_WARNING_DAYS):
    now = now or timezone.now()
    return Certificate.objects.filter(
        is_active=True, revoked_at__isnull=True, not_after__gt=now, not_after__lte=now + timedelta(days=days)
    ).select_related("agency", "official", "official__user")


def warn_expiring(now: datetime | None = None, days: int = EXPIRY_WARNING_DAYS) -> int:
    """Enqueue one e-mail per certificate expiring within `days` (to the official, else the agency).
    Idempotent: the key names the certificate and its expiry date, so a daily run warns once."""
    from motcua.notifications.services import enqueue

    sent = 0
    for cert in expiring(now, days):
        recipient = ""
        if cert.official is not None:
            recipient = cert.official.user.email
        recipient = recipient or cert.agency.email
        if not recipient:
            logger.warning("signing.expiry_no_recipient", extra={"certificate_id": cert.pk})
            continue
        expires = timezone.localtime(cert.not_after).strftime("%d/%m/%Y")
        subject = _("Chứng thư số sắp hết hạn ngày %(d)s") % {"d": expires}
        body = _(
            "Chứng thư số “%(name)s” (số hiệu %(serial)s, %(issuer)s) hết hạn ngày %(d)s. "
            "Đề nghị làm thủ tục gia hạn hoặc cấp mới để không gián đoạn việc ký số."
        ) % {"name": cert.common_name or cert.subject, "serial": cert.serial, "issuer": cert.issuer, "d": expires}
        with transaction.atomic():
            enqueue(
                "email",
                recipient,
                subject,
                body,
                idempotency_key=f"signing-expiry:{cert.pk}:{cert.not_after.date().isoformat()}",
                related=cert,
            )
        sent += 1
    return sent


def add_trusted_root(data: bytes, *, name: str = "", is_demo: bool = False) -> TrustedRoot:
    cert = parse_certificate_file(data).certificate
    print_ = fingerprint(cert)
    existing = TrustedRoot.objects.filter(fingerprint=print_).first()
    if existing is not None:
        return existing
    return TrustedRoot.objects.create(
        name=name or _common_name(cert.subject) or cert.subject.rfc4514_string(),
        subject=cert.subject.rfc4514_string()[:500],
        fingerprint=print_,
        not_after=cert.not_valid_after_utc,
        der=cert.public_bytes(serialization.Encoding.DER),
        is_demo=is_demo,
    )


def trusted_roots() -> list[x509.Certificate]:
    return [x509.load_der_x509_certificate(bytes(row.der)) for row in TrustedRoot.objects.filter(is_active=True)]

"""A small public-key infrastructure built at run time with `cryptography`.

Used by the demo (so signing works out of the box) and by the tests (so B-T and B-LT are real): a
root CA, agency ("tổ chức") and personal ("cá nhân") certificates, a time-stamping certificate, a
CRL that can be re-issued when a certificate is revoked, and OCSP responses. Nothing here is meant
for production keys: production certificates come from the government's specialised CA and are
imported into the registry (see registry.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_SIZE = 2048


def _name(common_name: str, organization: str = "", country: str = "VN") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if organization:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


@dataclass
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    def pkcs12(self, password: bytes, chain: list[x509.Certificate] = ()) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"motcua",
            self.key,
            self.certificate,
            list(chain) or None,
            serialization.BestAvailableEncryption(password),
        )

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass
class DemoPKI:
    """A root CA that signs end-entity certificates directly, publishes a CRL at `crl_url` and
    answers OCSP at `ocsp_url` (either may be empty: then the certificates carry no pointer)."""

    root: Issued
    crl_url: str = ""
    ocsp_url: str = ""
    revoked: dict[int, datetime] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(cls, *, name: str = "motcua Demo Root CA", crl_url: str = "", ocsp_url: str = "") -> DemoPKI:
        key = new_key()
        subject = _name(name, "motcua (thử nghiệm)")
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(root=Issued(cert, key), crl_url=crl_url, ocsp_url=ocsp_url)

    def issue(
        self,
        common_name: str,
        *,
        organization: str = "",
        days: int = 365,
        not_before: datetime | None = None,
        timestamping: bool = False,
        key: rsa.RSAPrivateKey | None = None,
    ) -> Issued:
        """An end-entity certificate for signing documents (or, with `timestamping`, for a TSA)."""
        key = key or new_key()
        start = not_before or datetime.now(UTC) - timedelta(hours=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organization))
            .issuer_name(self.root.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if timestamping:
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
        if self.crl_url:
            point = x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        if self.ocsp_url:
            access = x509.AccessDescription(
                x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(self.ocsp_url)
            )
            builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
        return Issued(builder.sign(self.root.key, hashes.SHA256()), key)

    def revoke(self, certificate: x509.Certificate, when: datetime | None = None) -> None:
        with self._lock:
            self.revoked[certificate.serial_number] = when or datetime.now(UTC) - timedelta(minutes=1)

    def crl(self) -> bytes:
        """A fresh DER CRL listing the revoked serials (valid for one day)."""
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.certificate.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
        )
        with self._lock:
            revoked = dict(self.revoked)
        for serial, when in revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response(self, request_der: bytes, known: dict[int, x509.Certificate]) -> bytes:
        """Answer an OCSP request for a certificate this CA issued (`known`: serial -> certificate)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
                serialization.Encoding.DER
            )
        cert = known.get(request.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
                serialization.Encoding.DER
            )
        now = datetime.now(UTC)
        with self._lock:
            revoked_at = self.revoked.get(cert.serial_number)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert,
            issuer=self.root.certificate,
            algorithm=hashes.SHA256(),
            cert_status=status,
            this_update=now - timedelta(minutes=5),
            next_update=now + timedelta(hours=12),
            revocation_time=revoked_at,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.root.certificate)
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

"""HTTP API of this app, mounted by motcua.api.urls at /api/v1/signatures.

POST /verify takes any PDF (multipart field `file`) and returns the report per signature; anyone
may call it (rate limited per client IP). GET /roots publishes the trusted roots (PEM) so that
clients and independent verifiers can trust the same certificates (the demo CA included).
"""

from __future__ import annotations

from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from motcua.core import ratelimit
from motcua.signing.models import TrustedRoot
from motcua.signing.reports import read_upload
from motcua.signing.verification import verify_pdf

router = Router()


class ErrorOut(Schema):
    error: dict


class CertOut(Schema):
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime


class SignatureOut(Schema):
    field: str
    ok: bool
    signer: CertOut | None
    chain: list[CertOut]
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    revocation: str
    signing_time: datetime | None
    timestamp: datetime | None
    timestamp_valid: bool | None
    covers_whole_document: bool
    modified_after_signing: bool
    level: str
    problems: list[str]


class ReportOut(Schema):
    ok: bool
    signatures: list[SignatureOut]


class RootOut(Schema):
    name: str
    subject: str
    fingerprint_sha256: str
    not_after: datetime
    demo: bool
    pem: str


def verify_rate() -> str:
    return settings.MOTCUA.get("SIGNING", {}).get("VERIFY_RATE", "20/m")


@router.post(
    "/verify",
    response={200: ReportOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    url_name="signatures_verify",
    operation_id="signatures_verify",
    summary="Kiểm tra chữ ký số trong tệp PDF (không cần đăng nhập)",
    auth=None,
)
def verify(request: HttpRequest, file: File[UploadedFile]) -> dict:
    ratelimit.enforce(request, "signature-verify", verify_rate())
    return verify_pdf(read_upload(file)).as_dict()


@router.get(
    "/roots",
    response=list[RootOut],
    url_name="signatures_roots",
    operation_id="signatures_roots",
    summary="Chứng thư gốc tin cậy dùng để kiểm tra chữ ký",
    auth=None,
)
def roots(request: HttpRequest) -> list[dict]:
    out = []
    for row in TrustedRoot.objects.filter(is_active=True).order_by("name"):
        cert = x509.load_der_x509_certificate(bytes(row.der))
        out.append(
            {
                "name": row.name,
                "subject": row.subject,
                "fingerprint_sha256": row.fingerprint,
                "not_after": row.not_after,
                "demo": row.is_demo,
                "pem": cert.public_bytes(Encoding.PEM).decode(),
            }
        )
    return out

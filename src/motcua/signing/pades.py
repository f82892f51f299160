"""PAdES signing with pyHanko (SIG-08): B-B, B-T (RFC 3161 time-stamp) and B-LT (revocation data
embedded in the document security store).

`sign_pdf()` takes the PDF bytes and a pyHanko `Signer` (from keys.py: PKCS#12 or PKCS#11) and
returns the signed bytes. It refuses encrypted, malformed or empty PDFs with a Vietnamese message
and signs nothing in that case.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from motcua.core.errors import ValidationFailed
from motcua.signing import aio
from motcua.signing import appearance as look

MAX_PDF_BYTES = 20 * 1024 * 1024


class Level(StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"


def reserved_bytes(signer: signers.Signer, level: Level) -> int | None:
    """Room for the CMS container of a B-B signature, computed from the certificates it carries,
    so pyHanko need not make a throw-away signature to measure it. Time-stamped levels depend on
    the TSA's answer: pyHanko measures those itself."""
    if level is not Level.B_B:
        return None
    try:
        certs = [signer.signing_cert, *signer.cert_registry]
        # pyHanko counts hex digits: two per byte of the CMS container, which holds the certificates
        # plus the signature value and signed attributes (under 1 KB even with a 4096-bit key).
        return 2 * (1024 + sum(len(cert.dump()) for cert in certs))
    except Exception:  # a token that cannot list its certificates: let pyHanko measure
        return None


@dataclass
class Visible:
    """A visible signature: the signer block (SIG-02/03) or the attachment line (SIG-04/05)."""

    kind: str  # "signer", "seal" (over the signer's image), "attachment" or "copy" (SIG-05)
    name: str = ""
    title: str = ""
    signature_png: bytes | None = None
    seal_png: bytes | None = None
    notation: str = ""
    copy_form: str = ""  # SAO Y, SAO LỤC, TRÍCH SAO
    organisation: str = ""


def check_pdf(data: bytes) -> PdfFileReader:
    """Open untrusted PDF bytes or raise ValidationFailed with a clear message."""
    if not data:
        raise ValidationFailed(_("Tệp rỗng (0 byte), không phải PDF."), code="pdf_empty")
    if len(data) > MAX_PDF_BYTES:
        raise ValidationFailed(
            _("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": MAX_PDF_BYTES // (1024 * 1024)}, code="pdf_too_large"
        )
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ValidationFailed(_("Tệp không phải PDF."), code="pdf_malformed")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise ValidationFailed(_("Tệp PDF được mã hoá; không thể ký hoặc kiểm tra."), code="pdf_encrypted")
        reader.root["/Pages"]
    except ValidationFailed:
        raise
    except Exception as exc:
        raise ValidationFailed(_("Tệp PDF bị hỏng hoặc sai cấu trúc."), code="pdf_malformed") from exc
    return reader


def pdf_version(data: bytes) -> tuple[int, int] | None:
    """The version in the PDF header ("%PDF-1.7" -> (1, 7)), None when unreadable."""
    head = data.lstrip()[:16]
    try:
        major, minor = head[5:].split(b"\n")[0].split(b"\r")[0].strip()[:3].split(b".")
        return int(major), int(minor[:1])
    except ValueError:
        return None


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[int, float, float]:
    pages = int(writer.root["/Pages"]["/Count"])
    index = page if page >= 0 else pages + page
    page_obj = writer.find_page_for_modification(index)[0].get_object()
    box = page_obj.get("/MediaBox") or [0, 0, 595, 842]
    return index, float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def last_signer_rect(writer: IncrementalPdfFileWriter) -> tuple[float, float, float, float] | None:
    """The widget rectangle of the last visible signature (the competent signer's block)."""
    rect = None
    for _name, _value, ref in fields.enumerate_sig_fields(writer, filled_status=True):
        field_obj = ref.get_object()
        found = field_obj.get("/Rect")
        if found is None and "/Kids" in field_obj:
            found = field_obj["/Kids"][0].get_object().get("/Rect")
        if found and float(found[2]) > float(found[0]):
            rect = tuple(float(v) for v in found)
    return rect


def _visible_field(writer, name: str, visible: Visible, signed_at: datetime):
    if visible.kind == "seal":
        if not visible.seal_png:
            raise ValidationFailed(_("Cơ quan chưa có ảnh con dấu để đặt lên chữ ký."), code="seal_missing")
        rect = last_signer_rect(writer)
        if rect is None:
            raise ValidationFailed(
                _("Tài liệu chưa có chữ ký của người có thẩm quyền; không thể đóng dấu (ký số của cơ quan)."),
                code="not_signed_by_signer",
            )
        page, _w, _h = _page_size(writer, look.SIGNER_PLACEMENT.page)
        spec = fields.SigFieldSpec(name, on_page=page, box=look.seal_box(rect, visible.seal_png))
        return look.seal_style(visible.seal_png), spec
    placements = {"attachment": look.ATTACHMENT_PLACEMENT, "copy": look.COPY_PLACEMENT}
    placement = placements.get(visible.kind, look.SIGNER_PLACEMENT)
    page, width, height = _page_size(writer, placement.page)
    spec = fields.SigFieldSpec(name, on_page=page, box=look.box_on_page(placement, width, height))
    if visible.kind == "attachment":
        return look.attachment_style(visible.notation, signed_at), spec
    if visible.kind == "copy":
        return look.copy_style(visible.copy_form, visible.organisation, signed_at), spec
    return look.signer_style(visible.name, visible.title, visible.signature_png), spec


async def _run(pdf_signer, writer, out, context: ValidationContext | None, reserved: int | None) -> None:
    try:
        await pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=reserved)
    finally:
        if context is not None:
            await context.aclose()  # no HTTP session may outlive this event loop


def sign_pdf(
    data: bytes,
    signer: signers.Signer,
    *,
    level: Level | str = Level.B_T,
    tsa_url: str = "",
    validation_context: ValidationContext | None = None,
    visible: Visible | None = None,
    field_name: str | None = None,
    reason: str = "",
    location: str = "",
    signed_at: datetime | None = None,
) -> bytes:
    """Sign `data` and return the signed PDF. B-T and B-LT need `tsa_url`; B-LT also needs a
    `validation_context` that trusts the signer's root and may fetch CRL/OCSP."""
    level = Level(level)
    check_pdf(data)
    if level in (Level.B_T, Level.B_LT) and not tsa_url:
        raise ValidationFailed(_("Chưa cấu hình máy chủ cấp dấu thời gian (TSA) cho mức %(l)s.") % {"l": level})
    if level is Level.B_LT and validation_context is None:
        raise ValidationFailed(_("Mức B-LT cần danh sách chứng thư gốc tin cậy để lấy thông tin thu hồi."))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    name = field_name or f"Sig{int(timezone.now().timestamp() * 1000)}"
    signed_at = signed_at or timezone.now()
    stamp_style = None
    new_field = None
    if visible is not None:
        stamp_style, new_field = _visible_field(writer, name, visible, signed_at)
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        embed_validation_info=level is Level.B_LT,
        validation_context=validation_context if level is Level.B_LT else None,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=10) if level is not Level.B_B else None
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=new_field
    )
    out = io.BytesIO()
    try:
        aio.run(_run(pdf_signer, writer, out, validation_context, reserved_bytes(signer, level)))
    except (PathValidationError, PathBuildingError) as exc:
        raise ValidationFailed(
            _("Chứng thư số không hợp lệ hoặc đã bị thu hồi; tài liệu chưa được ký."), code="certificate_invalid"
        ) from exc
    except timestamps.TimestampRequestError as exc:
        raise ValidationFailed(
            _("Không lấy được dấu thời gian từ máy chủ TSA; tài liệu chưa được ký."), code="tsa_failed"
        ) from exc
    except (SigningError, PdfError) as exc:
        if isinstance(exc.__cause__, (PathValidationError, PathBuildingError)):
            raise ValidationFailed(
                _("Chứng thư số không hợp lệ hoặc đã bị thu hồi; tài liệu chưa được ký."), code="certificate_invalid"
            ) from exc
        raise ValidationFailed(
            _("Không ký được tài liệu: %(e)s") % {"e": str(exc)[:200]}, code="signing_failed"
        ) from exc
    return out.getvalue()

"""Reading verification uploads safely and presenting reports (shared by the API and the page)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, ValidationFailed
from motcua.signing.pades import MAX_PDF_BYTES


def read_upload(upload) -> bytes:
    """The bytes of an uploaded PDF, refusing empty and oversized files before reading them."""
    if upload is None:
        raise ValidationFailed(_("Chọn tệp PDF cần kiểm tra."), code="pdf_missing")
    if upload.size == 0:
        raise ValidationFailed(_("Tệp rỗng (0 byte), không phải PDF."), code="pdf_empty")
    if upload.size > MAX_PDF_BYTES:
        raise DomainError(
            code="pdf_too_large",
            message=_("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": MAX_PDF_BYTES // (1024 * 1024)},
            status=413,
        )
    return upload.read(MAX_PDF_BYTES + 1)

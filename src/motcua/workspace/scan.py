"""Scanned pages to one PDF: what a counter desk has instead of a TWAIN driver.

Browsers cannot drive a scanner. Counter desks scan with the scanner's own button (to JPEG/PNG
files) or photograph the pages with a tablet or phone camera (`<input accept="image/*" capture
multiple>`); the official picks the page images of one required document and the server combines
them, in the order chosen, into one PDF component (A4-sized pages, camera rotation applied).

Uploads are hostile: each page must *be* a JPEG or PNG by its content (not its name), within the
size limit of any upload, decodable, and not a decompression bomb; the PDF made from them must
still fit the upload limit. Every problem is a Vietnamese message for the document's field.
"""

from __future__ import annotations

import io
from typing import Any

import filetype
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from motcua.dossiers.files import MAX_FILE_BYTES

MAX_PAGES = 50
PAGE_TYPES = ("image/jpeg", "image/png")
MAX_PIXELS = 40_000_000  # a 600 dpi A3 scan is ~70 MP at 1 bit; phone cameras are 12-50 MP
LONG_SIDE_PX = 3508  # A4 at 300 dpi: more detail than that only makes the PDF larger
A4_LONG_INCHES = 11.69


class ScanError(ValueError):
    """A page set that cannot become a PDF; the message is for the official, beside the field."""


def _page(index: int, uploaded: Any) -> Image.Image:
    content = uploaded.read()
    number = index + 1
    if len(content) > MAX_FILE_BYTES:
        raise ScanError(
            _("Trang %(n)s lớn hơn %(limit)s MB.") % {"n": number, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    kind = filetype.guess(content)
    if kind is None or kind.mime not in PAGE_TYPES:
        raise ScanError(_("Trang %(n)s không phải ảnh JPEG hoặc PNG.") % {"n": number})
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ScanError(_("Trang %(n)s có kích thước ảnh quá lớn.") % {"n": number})
            probe.verify()
        image = Image.open(io.BytesIO(content))
        image.load()
    except ScanError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ScanError(_("Trang %(n)s bị hỏng hoặc không đọc được.") % {"n": number}) from None
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("L" if image.mode in ("1", "L", "LA", "I;16") else "RGB")
    image.thumbnail((LONG_SIDE_PX, LONG_SIDE_PX))
    return image


def pages_to_pdf(pages: list[Any]) -> bytes:
    """One PDF with one page per image, in the order given; ScanError names what is wrong."""
    if len(pages) > MAX_PAGES:
        raise ScanError(_("Một giấy tờ có tối đa %(limit)s trang ảnh.") % {"limit": MAX_PAGES})
    images = [_page(index, uploaded) for index, uploaded in enumerate(pages)]
    if not images:
        raise ScanError(_("Chưa chọn ảnh trang nào."))
    # Each page as wide as its image at the resolution that makes its long side an A4 page.
    resolution = max(max(image.size) for image in images) / A4_LONG_INCHES
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=resolution, quality=80)
    data = out.getvalue()
    if len(data) > MAX_FILE_BYTES:
        raise ScanError(
            _("Tệp PDF ghép từ các trang lớn hơn %(limit)s MB; hãy quét với độ phân giải thấp hơn.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    return data

"""QR code of the public tracking URL printed on form 01 (OS-CODE-03), made with segno.

A full QR code (never Micro QR, which phone readers often ignore), error correction level M, no
quiet zone in the SVG: the template leaves white space around the image instead.
"""

from __future__ import annotations

import segno

__all__ = ["qr_data_uri", "qr_svg"]


def _make(url: str) -> segno.QRCode:
    if not url:
        raise ValueError("a QR code needs a URL")
    return segno.make(url, error="m", micro=False, boost_error=False)


def qr_svg(url: str) -> str:
    """Inline SVG markup (no XML declaration) of the QR code of `url`."""
    return str(_make(url).svg_inline(scale=1, border=0, dark="#000"))


def qr_data_uri(url: str) -> str:
    """The same SVG as a `data:image/svg+xml` URI, for an `<img>` in the form templates."""
    return str(_make(url).svg_data_uri(scale=1, border=0, dark="#000"))

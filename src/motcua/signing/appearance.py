"""Visible signature appearances under NĐ 30/2020 Annex I (SIG-02, SIG-03, SIG-04, SIG-05).

- The competent signer (SIG-02): title on top, the blue handwritten signature image centred in the
  middle, the name below. When the agency signs the same document (SIG-01, SIG-03), its red seal is
  drawn over the left third of the signer's image: we compose the two images into one transparent
  PNG (Pillow) and lay it behind the text.
- The agency on a separate attachment or an e-copy (SIG-04, SIG-05): no image, top-right corner of
  page 1, the text "<số, ký hiệu>; <time ISO 8601 +07:00>" in black, 10 pt.

Text is real PDF text in an embedded OpenType font (pyHanko's GlyphAccumulator with HarfBuzz
shaping), so Vietnamese diacritics render and stay searchable. The rules ask for Times New Roman;
it is not free to ship, so we use Noto Serif (same style family, complete Vietnamese coverage) and
Noto Sans for the signer block. Paths come from settings.MOTCUA["SIGNING"]["FONTS"] when set.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
HCM_OFFSET = "+07:00"


def font_path(name: str) -> str:
    configured = getattr(settings, "MOTCUA", {}).get("SIGNING", {}).get("FONTS", {}).get(name)
    if configured:
        return configured
    for folder in FONT_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError(name)


# Vietnamese needs Latin, Latin-1, Latin Extended-A/B, the combining marks and Latin Extended
# Additional (U+1EA0-U+1EF9); plus general punctuation and the ₫ sign.
VIETNAMESE_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x2044), (0x20AB, 0x20AB))


ASCII_RANGES = ((0x20, 0x7E),)


@functools.cache
def lean_font(name: str) -> bytes:
    """The font cut down once per process to the Vietnamese repertoire, without the GSUB/GPOS/GDEF
    tables that pyHanko drops anyway: subsetting the full Noto font for every signature costs about
    a second of CPU, this copy costs milliseconds. Vietnamese text is precomposed (NFC), so no
    shaping rules are lost."""
    return _cut(font_path(name), VIETNAMESE_RANGES)


@functools.lru_cache(maxsize=256)
def text_font(name: str, extra: str) -> bytes:
    """The Vietnamese cut further down to printable ASCII plus the characters `extra`: pyHanko
    parses the embedded font and subsets it again for every signature, which costs several times
    less on ~100 glyphs than on the ~700 of the whole Vietnamese repertoire. Cached per character
    set (attachment lines, names and titles repeat)."""
    return _cut(io.BytesIO(lean_font(name)), (*ASCII_RANGES, *((ord(c), ord(c)) for c in extra)))


def _cut(source, ranges) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_closure=False, name_IDs=["*"], notdef_outline=True)
    options.drop_tables += ["GPOS", "GDEF", "GSUB"]
    options.layout_features = []
    font = TTFont(source)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[c for lo, hi in ranges for c in range(lo, hi + 1)])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class LeanFontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory reading the font cut for `text` (or, without text, the whole
    Vietnamese cut) from memory."""

    text: str | None = None

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        if self.text is None:
            data = lean_font(self.font_file)
        else:
            data = text_font(self.font_file, "".join(sorted({c for c in self.text if not " " <= c <= "~"})))
        return GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(data), font_size=self.font_size, obj_stream=obj_stream
        )


def iso_time(moment: datetime) -> str:
    """ISO 8601 with the Vietnam offset written as +07:00 (SIG-04)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).isoformat(timespec="seconds")


@dataclass
class Placement:
    """Where the visible signature goes: page index (0-based; -1 = last) and a box in points from
    the top-right corner of the page (so A4 and A5 work alike)."""

    page: int
    width: float
    height: float
    right: float
    top: float


# Top right of page 1, clear of the margin (SIG-04, SIG-05).
ATTACHMENT_PLACEMENT = Placement(page=0, width=190, height=28, right=20, top=12)
# E-copies (SIG-05): the same corner, wider and on two lines (form and organisation; time).
COPY_PLACEMENT = Placement(page=0, width=260, height=30, right=20, top=12)
# Bottom block of the last page, right column, where the signer's block sits on a decision.
SIGNER_PLACEMENT = Placement(page=-1, width=200, height=120, right=40, top=-1)


SIGNER_MARGIN = 16  # points kept above (title) and below (name) the signer's image


def _image(png: bytes) -> PdfImage:
    from PIL import Image

    return PdfImage(Image.open(io.BytesIO(png)).convert("RGBA"))


def signer_style(name: str, title: str, signature_png: bytes | None) -> TextStampStyle:
    """Title on top, the signature image centred in the middle, the name below (SIG-02)."""
    text = f"{title}\n\n\n\n\n\n{name}"
    text_style = TextBoxStyle(font=LeanFontFactory("NotoSans-Regular.ttf", text=text), font_size=9)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=text_style,
        border_width=0,
        background=_image(signature_png) if signature_png else None,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=10, right=10, top=SIGNER_MARGIN, bottom=SIGNER_MARGIN),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            margins=layout.Margins(left=1, right=1),  # see attachment_style: no "1e-14" offsets
        ),
    )


def seal_style(seal_png: bytes) -> TextStampStyle:
    """The agency's seal alone, opaque, no text (SIG-03)."""
    return TextStampStyle(
        stamp_text="",
        border_width=0,
        background=_image(seal_png),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID
        ),
    )


def seal_box(signer_rect: tuple[float, float, float, float], seal_png: bytes) -> tuple[int, int, int, int]:
    """A box for the seal over the left third of the signer's image (SIG-03): as tall as the image
    area of the signer's block, centred on the point one third into the image area, keeping the
    seal's proportions (the rules want it at actual size; our blocks are drawn to scale)."""
    from PIL import Image

    x1, y1, x2, y2 = signer_rect
    image_h = (y2 - y1) - 2 * SIGNER_MARGIN
    image_w = (x2 - x1) - 20
    with Image.open(io.BytesIO(seal_png)) as seal:
        ratio = seal.width / seal.height
    width = image_h * ratio
    centre_x = x1 + 10 + image_w / 3
    bottom = y1 + SIGNER_MARGIN
    return int(centre_x - width / 2), int(bottom), int(centre_x + width / 2), int(bottom + image_h)


def _text_line_style(text: str) -> TextStampStyle:
    """Black 10 pt text, no image, right-aligned in its box: the attachment and e-copy lines."""
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=LeanFontFactory("NotoSerif-Regular.ttf", text=text), font_size=10),
        border_width=0,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            # A text shrunk to the full width would start at x = 1e-14, which pyHanko writes as
            # "1e-14": not a PDF number (readers then drop the stamp). A 1 pt margin avoids it.
            margins=layout.Margins(left=1, right=1),
        ),
    )


def attachment_style(notation: str, signed_at: datetime) -> TextStampStyle:
    """ "<số, ký hiệu>; <ISO 8601 time>", black, 10 pt, no image (SIG-04)."""
    return _text_line_style(f"{notation}; {iso_time(signed_at)}")


def copy_style(copy_form: str, organisation: str, signed_at: datetime) -> TextStampStyle:
    """E-copies (SIG-05): "<hình thức sao>; <cơ quan sao>;" then the ISO 8601 time, black, 10 pt,
    no image, at the top right of page 1."""
    return _text_line_style(f"{copy_form}; {organisation};\n{iso_time(signed_at)}")


def box_on_page(placement: Placement, page_width: float, page_height: float) -> tuple[int, int, int, int]:
    """PDF coordinates (x1, y1, x2, y2) of the placement on a page of the given size."""
    x2 = page_width - placement.right
    x1 = x2 - placement.width
    # A negative `top` means the lower part of the page (the signer's block).
    y1 = 60 if placement.top < 0 else page_height - placement.top - placement.height
    return int(x1), int(y1), int(x2), int(y1 + placement.height)

"""Agency identifiers per QCVN 102:2016 (ORG-01, ORG-07; formats.md §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CANONICAL_AGENCY_CODE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")
# Values partner systems send when they have no identifier at all (formats.md §2).
BLANK_CODES = frozenset({"", "null", "none", "undefined"})
_PART_PATTERNS = (
    # (pattern, label, level): parts are written level 4 first and read right to left.
    (re.compile(r"^\d{3}$"), "V1V2V3", 4),
    (re.compile(r"^\d{2}$"), "Z1Z2", 3),
    (re.compile(r"^\d{2}$"), "Y1Y2", 2),
    (re.compile(r"^[A-Z]\d{2}$"), "M1M2M3", 1),
)


@dataclass(frozen=True)
class AgencyCode:
    """A parsed identifier `V1V2V3.Z1Z2.Y1Y2.M1M2M3`, read right to left."""

    level4: str
    level3: str
    level2: str
    level1: str

    @property
    def depth(self) -> int:
        """1 for a level-1 body (e.g. a provincial People's Committee) up to 4."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"


def parse_agency_code(value: str | None) -> AgencyCode | None:
    """Return the parsed identifier, or None when `value` is not canonical (never raises)."""
    match = CANONICAL_AGENCY_CODE.match((value or "").strip())
    if match is None:
        return None
    return AgencyCode(level4=match[1], level3=match[2], level2=match[3], level1=match[4])


def is_canonical_agency_code(value: str | None) -> bool:
    return parse_agency_code(value) is not None


def is_blank_agency_code(value: str | None) -> bool:
    """True for values that carry no identifier: empty, or the strings `null`, `none`, `undefined`."""
    return (value or "").strip().lower() in BLANK_CODES


def agency_code_problem(value: str | None) -> str | None:
    """Say in Vietnamese why `value` is not a canonical QCVN 102:2016 identifier; None when it is.

    The sentence names the first wrong part so an administrator can fix it without reading the
    standard, e.g. `01.02.G22` -> "has 3 parts, needs 4".
    """
    text = (value or "").strip()
    if is_blank_agency_code(text):
        return str(_("Mã định danh đang để trống."))
    if is_canonical_agency_code(text):
        return None
    parts = text.split(".")
    if len(parts) != 4:
        return str(
            _(
                "Mã định danh “%(code)s” có %(count)s phần; QCVN 102:2016 yêu cầu 4 phần ngăn cách bằng dấu chấm "
                "theo dạng V1V2V3.Z1Z2.Y1Y2.M1M2M3, ví dụ 000.00.01.H56."
            )
            % {"code": text, "count": len(parts)}
        )
    for part, (pattern, label, level) in zip(parts, _PART_PATTERNS, strict=True):
        if not pattern.match(part):
            return _part_problem(text, part, label, level)
    return str(_("Mã định danh “%(code)s” không đúng định dạng QCVN 102:2016.") % {"code": text})


def _part_problem(code: str, part: str, label: str, level: int) -> str:
    if label == "M1M2M3":
        rule = _("một chữ cái in hoa và 2 chữ số, ví dụ H56 hoặc G22")
    elif label == "V1V2V3":
        rule = _("3 chữ số, 000 khi không có")
    else:
        rule = _("2 chữ số, 00 khi không có")
    message = _("Mã định danh “%(code)s” sai ở phần %(label)s (“%(part)s”, mã cấp %(level)s): phải gồm %(rule)s.")
    return str(message) % {
        "code": code,
        "label": label,
        "part": part,
        "level": level,
        "rule": rule,
    }

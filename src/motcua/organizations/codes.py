"""Agency identifiers per QCVN 102:2016 (ORG-01, ORG-07; formats.md §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

CANONICAL_AGENCY_CODE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")


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


def parse_agency_code(value: str) -> AgencyCode | None:
    """Return the parsed identifier, or None when `value` is not canonical."""
    match = CANONICAL_AGENCY_CODE.match(value.strip())
    if match is None:
        return None
    return AgencyCode(level4=match[1], level3=match[2], level2=match[3], level1=match[4])


def is_canonical_agency_code(value: str) -> bool:
    return parse_agency_code(value) is not None

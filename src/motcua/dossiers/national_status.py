"""Our states <-> the national portal's `TrangThaiHoSo` codes (formats.md §5.2, OS-STATE-01/02).

This is the ONE mapping between the two vocabularies (ENGINEERING.md: no second hand-kept list).
Sub-states of in_process all report 4. A deployment whose portal adapter uses other codes passes
its own mapping as data (e.g. loaded from settings or JSON); it is validated to cover every state
except draft, which the portal never sees, with distinct codes so inbound sync can map back.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from motcua.dossiers.vocabulary import DossierState

__all__ = [
    "DEFAULT_NATIONAL_STATUS",
    "NationalStatusError",
    "RawMapping",
    "national_status",
    "state_from_national",
    "validate_mapping",
]

DEFAULT_NATIONAL_STATUS: Final[Mapping[DossierState, int]] = MappingProxyType(
    {
        DossierState.SUBMITTED: 1,
        DossierState.ACCEPTED: 2,
        DossierState.NOT_ACCEPTED: 3,
        DossierState.IN_PROCESS: 4,
        DossierState.SUPPLEMENT_REQUESTED: 5,
        DossierState.AWAITING_PAYMENT: 6,
        DossierState.WITHDRAWN: 7,
        DossierState.STOPPED: 8,
        DossierState.RESOLVED: 9,  # also a refusal result (OS-STOP-03)
        DossierState.RETURNED: 10,
    }
)
_REPORTED_STATES: Final = frozenset(DossierState) - {DossierState.DRAFT}


# Deployment data arrives keyed by state name; validated mappings are keyed by `DossierState`.
RawMapping = Mapping[str, object] | Mapping[DossierState, int]


class NationalStatusError(ValueError):
    """A bad override mapping, or an inbound code the mapping does not know."""


def validate_mapping(raw: RawMapping) -> Mapping[DossierState, int]:
    """Check a deployment's mapping (state name -> code) and return it frozen, keyed by state."""
    problems: list[str] = []
    mapping: dict[DossierState, int] = {}
    for key, code in raw.items():
        try:
            state = DossierState(key)
        except ValueError:
            problems.append(f"unknown state {key!r}")
            continue
        if state is DossierState.DRAFT:
            problems.append("draft is never reported to the national portal")
        elif isinstance(code, bool) or not isinstance(code, int) or code < 0:
            problems.append(f"{state}: code must be a non-negative integer, got {code!r}")
        else:
            mapping[state] = code
    missing = sorted(_REPORTED_STATES - raw.keys())
    if missing:
        problems.append("missing states: " + ", ".join(missing))
    seen: dict[int, DossierState] = {}
    for state, code in mapping.items():
        if code in seen:
            problems.append(f"code {code} used by both {seen[code]} and {state}")
        seen[code] = state
    if problems:
        raise NationalStatusError("; ".join(problems))
    return MappingProxyType(mapping)


def _resolve(mapping: RawMapping | None) -> Mapping[DossierState, int]:
    if mapping is None or mapping is DEFAULT_NATIONAL_STATUS:
        return DEFAULT_NATIONAL_STATUS
    return validate_mapping(mapping)


def national_status(state: DossierState, mapping: RawMapping | None = None) -> int | None:
    """`TrangThaiHoSo` for `state`; None for draft, which is not reported."""
    state = DossierState(state)
    if state is DossierState.DRAFT:
        return None
    return _resolve(mapping)[state]


def state_from_national(code: int, mapping: RawMapping | None = None) -> DossierState:
    """Our state for an inbound `TrangThaiHoSo` (national-portal sync); unknown codes raise."""
    for state, known in _resolve(mapping).items():
        if known == code and not isinstance(code, bool):
            return state
    raise NationalStatusError(f"unknown TrangThaiHoSo {code!r}")

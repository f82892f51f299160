"""The ONE mapping to the national portal's TrangThaiHoSo (formats.md §5.2, OS-STATE-01/02). Pure."""

from __future__ import annotations

import pytest

from motcua.dossiers.national_status import (
    DEFAULT_NATIONAL_STATUS,
    NationalStatusError,
    national_status,
    state_from_national,
    validate_mapping,
)
from motcua.dossiers.states import DossierState

S = DossierState

EXPECTED = {
    "submitted": 1,
    "accepted": 2,
    "not_accepted": 3,
    "in_process": 4,
    "supplement_requested": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "resolved": 9,
    "returned": 10,
}


def test_os_state_02_default_codes_match_formats_5_2():
    assert {str(state): code for state, code in DEFAULT_NATIONAL_STATUS.items()} == EXPECTED
    for name, code in EXPECTED.items():
        assert national_status(S(name)) == code
        assert state_from_national(code) is S(name)


def test_os_state_02_draft_is_not_reported():
    assert national_status(S.DRAFT) is None


def test_os_state_01_every_non_draft_state_round_trips():
    for state in S:
        code = national_status(state)
        if state is not S.DRAFT:
            assert state_from_national(code) is state


def test_os_state_02_unknown_inbound_code_is_rejected():
    for code in (0, 11, -1, True):
        with pytest.raises(NationalStatusError):
            state_from_national(code)


def test_os_state_02_deployment_override_is_data():
    override = {name: code + 100 for name, code in EXPECTED.items()}
    assert national_status(S.RESOLVED, override) == 109
    assert state_from_national(104, override) is S.IN_PROCESS
    with pytest.raises(NationalStatusError):
        state_from_national(4, override)
    assert validate_mapping(override)[S.RETURNED] == 110


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"returned": None}, "missing states: returned"),
        ({"draft": 0}, "draft is never reported"),
        ({"archived": 11}, "unknown state 'archived'"),
        ({"stopped": 7}, "code 7 used by both"),
        ({"stopped": "8"}, "must be a non-negative integer"),
        ({"stopped": True}, "must be a non-negative integer"),
        ({"stopped": -8}, "must be a non-negative integer"),
    ],
)
def test_os_state_02_override_must_cover_every_state_with_distinct_codes(change, message):
    raw = {**EXPECTED, **change}
    raw = {name: code for name, code in raw.items() if code is not None}
    with pytest.raises(NationalStatusError, match=message):
        validate_mapping(raw)
    with pytest.raises(NationalStatusError):
        national_status(S.SUBMITTED, raw)


def test_os_state_02_validated_mapping_is_read_only():
    mapping = validate_mapping(EXPECTED)
    with pytest.raises(TypeError):
        mapping[S.SUBMITTED] = 99  # type: ignore[index]
    with pytest.raises(TypeError):
        DEFAULT_NATIONAL_STATUS[S.SUBMITTED] = 99  # type: ignore[index]

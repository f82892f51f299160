"""ORG-01 / ORG-07: QCVN 102:2016 identifiers are parsed, and bad ones explained, without crashing."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.organizations.codes import (
    agency_code_problem,
    is_blank_agency_code,
    is_canonical_agency_code,
    parse_agency_code,
)

NON_CANONICAL = ["01.02.G22", "28.22.H17", "001.00.20.TT2", "vxp.saas.02", "null", "", "000.00.01.h56", None]


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("code", "depth", "level1"),
    [
        ("000.00.00.G22", 1, "G22"),
        ("000.00.01.H53", 2, "H53"),
        ("000.01.01.H53", 3, "H53"),
        ("001.12.31.H53", 4, "H53"),
    ],
)
def test_org_01_canonical_codes_parse_right_to_left(code, depth, level1):
    parsed = parse_agency_code(code)
    assert parsed is not None and parsed.depth == depth and parsed.level1 == level1 and str(parsed) == code
    assert agency_code_problem(code) is None


@pytest.mark.parametrize("code", NON_CANONICAL)
def test_org_07_non_canonical_codes_are_detected_without_crashing(code):
    assert parse_agency_code(code) is None
    assert not is_canonical_agency_code(code)
    assert agency_code_problem(code)


def test_org_07_problem_messages_name_what_is_wrong():
    assert "3 phần" in agency_code_problem("01.02.G22")
    assert "3 phần" in agency_code_problem("vxp.saas.02")
    assert "M1M2M3" in agency_code_problem("001.00.20.TT2")
    assert "V1V2V3" in agency_code_problem("28.22.00.H17")
    assert "để trống" in agency_code_problem("null")
    assert "để trống" in agency_code_problem("  ")


def test_org_07_blank_codes_include_the_string_null():
    assert is_blank_agency_code("null") and is_blank_agency_code("NULL") and is_blank_agency_code("")
    assert not is_blank_agency_code("vxp.saas.02")

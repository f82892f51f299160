from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.factories import AgencyFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture
def example_agencies(db):
    """The agencies the example files under data/ refer to."""
    return [
        AgencyFactory(code="000.01.20.H56", name="Ủy ban nhân dân phường Hạc Thành", level="commune"),
        AgencyFactory(code="000.00.12.H56", name="Sở Tư pháp tỉnh Thanh Hóa", level="province"),
    ]

"""ORG-03: the pre-2025 three-tier model stays representable, with successor links and dated lookups."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.core.errors import NotFound
from motcua.organizations.models import AdminUnit, AdminUnitKind, TierModel
from motcua.organizations.services import HistoricalUnit, admin_unit_as_of, current_unit, record_historical_units

from . import factories

pytestmark = pytest.mark.django_db


def _history():
    return HistoricalUnit(
        code="14",
        name="Tỉnh Sơn La",
        kind=AdminUnitKind.PROVINCE,
        successor_code="14",
        children=[
            HistoricalUnit(
                code="116",
                name="Thành phố Sơn La",
                kind=AdminUnitKind.DISTRICT,
                children=[
                    HistoricalUnit(
                        code="03646", name="Phường Tô Hiệu", kind=AdminUnitKind.WARD, successor_code="03646"
                    ),
                    HistoricalUnit(
                        code="03649", name="Phường Chiềng Lề", kind=AdminUnitKind.WARD, successor_code="03646"
                    ),
                    HistoricalUnit(
                        code="03700", name="Thị trấn Ít Ong", kind=AdminUnitKind.TOWNSHIP, successor_code="03646"
                    ),
                ],
            )
        ],
    )


def test_org_03_three_tier_district_with_communes_and_successors_is_recorded():
    new_province = factories.province()
    new_ward = factories.commune(new_province)
    province = record_historical_units(_history())
    district = AdminUnit.objects.get(tier_model=TierModel.THREE_TIER, code="116")
    assert district.kind == AdminUnitKind.DISTRICT and district.parent == province
    assert district.children.count() == 3
    assert {u.successor for u in district.children.all()} == {new_ward}
    assert set(new_ward.predecessors.values_list("code", flat=True)) == {"03646", "03649", "03700"}
    assert province.successor == new_province and province.valid_to == date(2025, 7, 1)
    township = AdminUnit.objects.get(code="03700")
    assert township.kind == AdminUnitKind.TOWNSHIP and township.tier_model == TierModel.THREE_TIER

    # Same code in both tiers: the date decides which one is meant.
    old = admin_unit_as_of("03646", date(2025, 6, 30))
    assert old.tier_model == TierModel.THREE_TIER and old.parent == district
    assert admin_unit_as_of("03646", date(2025, 7, 1)) == new_ward
    assert current_unit(AdminUnit.objects.get(code="03649")) == new_ward
    with pytest.raises(NotFound):
        admin_unit_as_of("116", date(2025, 7, 1))  # districts ended with the three-tier model

    record_historical_units(_history())  # idempotent
    assert AdminUnit.objects.filter(tier_model=TierModel.THREE_TIER).count() == 5


def test_org_03_unknown_successor_records_nothing():
    factories.province()
    with pytest.raises(NotFound) as caught:
        record_historical_units(_history())  # ward 03646 of the two-tier model does not exist
    assert caught.value.code == "unknown_admin_unit"
    assert not AdminUnit.objects.filter(tier_model=TierModel.THREE_TIER).exists()

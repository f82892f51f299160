"""GEN-06: procedure search is diacritic-insensitive (đ -> d), every word must match, ranked."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog import services
from tests.catalog.factories import AgencyFactory, SectorFactory, VersionFactory, published

pytestmark = pytest.mark.django_db


def _names(q, **kwargs):
    return [v.name for v in services.search_procedures(q, **kwargs).items]


@pytest.fixture
def catalog():
    return {
        "birth": published(name="Đăng ký khai sinh", procedure__procedure_code="1.001193"),
        "mobile": published(name="Khai sinh lưu động"),
        "late": published(name="Đăng ký lại khai sinh"),
        "marriage": published(name="Thủ tục đăng ký kết hôn"),
        "road": published(name="Cấp giấy phép thi công công trình đường bộ", levels=["province"]),
    }


@pytest.mark.parametrize("query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng  ký khai sinh", "dăng ky khai sinh"])
def test_gen_06_search_ignores_diacritics_case_and_spaces(catalog, query):
    assert "Đăng ký khai sinh" in _names(query)


def test_gen_06_d_with_stroke_folds_to_d(catalog):
    assert _names("duong bo") == ["Cấp giấy phép thi công công trình đường bộ"]
    assert _names("đường") == ["Cấp giấy phép thi công công trình đường bộ"]


def test_gen_06_every_word_must_match(catalog):
    assert _names("khai sinh ket hon") == []
    assert _names("ket hon") == ["Thủ tục đăng ký kết hôn"]


def test_gen_06_ranking_code_then_prefix_then_contains(catalog):
    assert _names("khai sinh") == ["Khai sinh lưu động", "Đăng ký khai sinh", "Đăng ký lại khai sinh"]
    assert _names("1.001193")[0] == "Đăng ký khai sinh"
    assert _names("dang ky")[:2] == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]


def test_os_cat_01_search_by_local_code(catalog):
    catalog["marriage"].procedure.local_code = "HT-KH-02"
    catalog["marriage"].procedure.save()
    version = catalog["marriage"]
    version._allow_transition = True  # search keys are refreshed on save; allowed for this setup only
    version.save()
    assert _names("ht-kh-02") == ["Thủ tục đăng ký kết hôn"]


def test_os_cat_05_only_versions_in_force_are_found_by_default():
    VersionFactory(name="Chứng thực bản sao từ bản chính")  # draft
    published(name="Chứng thực chữ ký", valid_from=dt.date(2999, 1, 1))  # future
    past = published(name="Chứng thực hợp đồng", valid_from=dt.date(2020, 1, 1))
    services.retire(past, on=dt.date(2021, 1, 1))
    assert _names("chung thuc") == []
    assert _names("chung thuc", at=dt.date(2020, 6, 1)) == ["Chứng thực hợp đồng"]
    assert len(_names("chung thuc", in_force_only=False)) == 3


def test_os_cat_01_filters_by_sector_agency_and_level(catalog):
    sector = SectorFactory(code="H56-XD", field_code="XD", name="Xây dựng")
    agency = AgencyFactory(code="000.00.05.H56", name="Sở Xây dựng")
    draft = VersionFactory(name="Cấp giấy phép xây dựng", sector=sector, levels=["province"])
    draft.agencies.add(agency)
    services.publish(draft)
    assert _names("", sector="H56-XD") == ["Cấp giấy phép xây dựng"]
    assert _names("", sector="XD") == ["Cấp giấy phép xây dựng"]
    assert _names("giay phep", agency="000.00.05.H56") == ["Cấp giấy phép xây dựng"]
    assert _names("", level="province") == ["Cấp giấy phép thi công công trình đường bộ", "Cấp giấy phép xây dựng"]
    assert _names("khai sinh", level="province") == []


def test_os_cat_01_pagination_counts_all_matches(catalog):
    page = services.search_procedures("", limit=2, offset=1)
    assert page.count == 5 and len(page.items) == 2 and (page.limit, page.offset) == (2, 1)
    assert services.search_procedures("", limit=10_000).limit == 200
    past_the_end = services.search_procedures("", offset=100)
    assert past_the_end.items == [] and past_the_end.count == 5
    assert services.search_procedures("khong co").count == 0

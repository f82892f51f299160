"""Public pages: home, catalogue with filters, folded and typo-tolerant search, procedure page.

PTL-FN-01 (catalogue, search), PTL-CAT-02 (procedure information)."""

from __future__ import annotations

import pytest

from motcua.portal import finder

pytestmark = pytest.mark.django_db


def test_home_has_one_search_box_and_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('type="search"') == 1
    assert "Tìm thủ tục hành chính" in body


def test_ptl_fn_01_search_without_diacritics_finds_the_procedure(client, portal_world):
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in body
    assert "/thu-tuc/1.001193/" in body


@pytest.mark.parametrize("typed", ["dang ky khai sinhh", "dnag ky khai sinh", "đăng ký khaj sinh"])
def test_ptl_fn_01_search_tolerates_small_typos(client, portal_world, typed):
    body = client.get("/thu-tuc/", {"q": typed}).content.decode()
    assert "/thu-tuc/1.001193/" in body
    assert "dang ky khai sinh" in body  # the corrected query is shown


def test_typo_correction_keeps_known_words_and_unrelated_queries_find_nothing(portal_world):
    assert finder.correct("Đăng ký khai sinh") == "dang ky khai sinh"
    found = finder.find("xyzzy quux")
    assert found.page.count == 0


def test_catalogue_filters_by_sector_agency_and_level(client, portal_world):
    for params, expected in [
        ({"linh_vuc": "H56-HT01"}, True),
        ({"linh_vuc": "H56-NOPE"}, False),
        ({"co_quan": portal_world.unit.code}, True),
        ({"co_quan": "999.99.99.H56"}, False),
        ({"cap": "commune"}, True),
        ({"cap": "province"}, False),
    ]:
        body = client.get("/thu-tuc/", params).content.decode()
        assert ("/thu-tuc/1.001193/" in body) is expected, params


def test_ptl_cat_02_procedure_page_shows_everything_and_template_downloads(client, portal_world):
    response = client.get("/thu-tuc/1.001193/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Trình tự thực hiện",
        "Bước 1: Nộp hồ sơ.",
        "Giấy chứng sinh",
        "8000",
        "60/2014/QH13",
        "Trực tuyến toàn trình",
        "Toàn trình",
        "Trực tuyến",
        "3 ngày làm việc",
        "Nộp hồ sơ trực tuyến",
    ]:
        assert text in body, text
    document = portal_world.version.documents.get(code="GT01")
    download = client.get(f"/thu-tuc/1.001193/mau/{document.pk}/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_unknown_procedure_is_a_404_page(client, db):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404
    assert "Không tìm thấy thủ tục" in response.content.decode()


def test_search_and_procedure_pages_use_a_bounded_number_of_queries(
    client, portal_world, django_assert_max_num_queries
):
    """ENGINEERING.md habit 7: no N+1 on the public pages (filters and vocabulary are cached)."""
    client.get("/thu-tuc/", {"q": "khai sinh"})  # warms the filter options cache
    with django_assert_max_num_queries(4):
        client.get("/thu-tuc/", {"q": "khai sinh"})
    with django_assert_max_num_queries(10):
        client.get("/thu-tuc/1.001193/")

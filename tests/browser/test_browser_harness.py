"""The browser harness itself: Debian's Chromium starts, reaches the live server, and axe-core runs."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_opens_the_home_page_and_axe_runs(page, axe):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    assert axe(page) == []

"""The leaders' report page in a real browser: filters, table, drill-down, and no serious axe-core
violations (RPT-PER-02, issue 7 §7)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from motcua.dossiers.services import perform_action
from tests.dossiers.builders import at, counter_dossier, to_processing

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_rpt_per_report_page_in_the_browser_is_accessible_and_drills_down(world, page, axe, live_server):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(15, 10))
    _sign_in(page, world.leader, live_server)
    page.goto("/bao-cao/")
    page.get_by_label("Từ ngày").fill("2025-07-01")
    page.get_by_label("Đến ngày").fill("2025-07-31")
    page.get_by_role("button", name="Xem báo cáo").click()
    assert page.get_by_role("row", name="Tổng cộng").is_visible()
    assert axe(page) == []
    page.locator("a[href*='column=early']").first.click()
    assert page.get_by_role("cell", name=dossier.code).is_visible()
    page.goto("/bao-cao/tong-quan/")
    assert page.locator("svg.chart").first.is_visible()
    assert axe(page) == []
    page.goto("/bao-cao/chi-so/?month=2025-07-15")
    assert page.get_by_role("cell", name="Tỷ lệ hồ sơ thanh toán trực tuyến").is_visible()
    assert axe(page) == []

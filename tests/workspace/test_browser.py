"""The officials' main paths in Debian's Chromium (issue 4, "Tests and measures"): counter reception
with the receipt, appraisal, approval, return; a supplement request by keyboard alone; two tabs;
an overdue dossier in the leader's view; axe-core on reception, worklist and dossier pages; tablet
width without horizontal scrolling."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import Dossier
from tests.dossiers.builders import PDF, PNG, UNIT_CODE, counter_dossier, to_processing
from tests.organizations.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username):
    page.goto("/can-bo/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:text('Đăng nhập')")
    page.wait_for_url(re.compile(r"/can-bo/(\?.*)?$"))


def sign_out(page):
    page.click("header button:text-is('Đăng xuất')")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap/"))


def act(page, summary, fill=None, select=None, check=None):
    """Open an action on the dossier page, fill its form and submit it."""
    panel = page.locator("details", has=page.locator(f"summary:text-is('{summary}')"))
    panel.locator("summary").click()
    for selector, value in (fill or {}).items():
        panel.locator(selector).fill(value)
    for selector, value in (select or {}).items():
        panel.locator(selector).select_option(value)
    for selector in check or ():
        panel.locator(selector).check()
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_receive_print_appraise_approve_and_return(page, axe, world):
    sign_in(page, "motcua.a")
    page.click("nav a:text('Tiếp nhận tại quầy')")
    page.fill("#q", "dang ky khai sinh")  # no accents typed
    page.locator("#procedure-results label:has-text('Đăng ký khai sinh')").click()
    page.wait_for_selector("#file-1")
    page.fill("#applicant_id_number", "038090004321")
    page.fill("#applicant_name", "Lê Văn Minh")
    page.fill("#applicant_phone", "0987654321")
    page.set_input_files("#file-0", files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.set_input_files("#file-1", files=[{"name": "giay-chung-sinh.png", "mimeType": "image/png", "buffer": PNG}])
    assert axe(page) == []
    page.click("button:text('Hoàn tất')")
    page.wait_for_url(re.compile(r"/can-bo/ho-so/.+vua-tiep-nhan=1"))
    dossier = Dossier.objects.get()
    assert dossier.status == "accepted"
    receipt = page.locator("a:has-text('In phiếu tiếp nhận')")
    pdf = page.request.get(receipt.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert axe(page) == []

    act(page, "Chuyển xử lý, liên thông", fill={"input[name=recipient]": UNIT_CODE})
    assert page.locator("#dossier-state").inner_text() == "Đang xử lý"
    sign_out(page)

    sign_in(page, "lanhdao.c")
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    act(page, "Phân công xử lý", select={"select[name=assignee]": "chuyenvien.b"})
    sign_out(page)

    sign_in(page, "chuyenvien.b")  # "việc của tôi" is the handler's first tab
    assert page.locator(f"a:text('{dossier.code}')").is_visible()
    assert axe(page) == []
    page.click(f"a:text('{dossier.code}')")
    act(
        page,
        "Bắt đầu bước xử lý",
        fill={"input[name=step]": "tham-dinh", "textarea[name=comment]": "Đủ điều kiện"},
        select={"select[name=substate]": "appraising"},
    )
    assert page.locator(".message-success").is_visible()
    sign_out(page)

    sign_in(page, "lanhdao.c")
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    act(page, "Hoàn thành giải quyết", select={"select[name=result_kind]": "approval"})
    assert page.locator("#dossier-state").inner_text() == "Đã có kết quả"
    sign_out(page)

    sign_in(page, "motcua.a")
    page.goto("/can-bo/?tab=to_return")
    page.click(f"a:text('{dossier.code}')")
    act(
        page,
        "Trả kết quả",
        fill={"input[name=collector]": "Lê Văn Minh", "input[name=collector_id_number]": "038090004321"},
        select={"select[name=return_method]": "counter"},
        check=["input[name=identity_checked]"],
    )
    assert page.locator("#dossier-state").inner_text() == "Đã trả kết quả"
    assert Dossier.objects.get().status == "returned"


def _tab_to(page, predicate_js, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"never reached {predicate_js}")


def test_supplement_request_by_keyboard_alone(page, axe, world):
    dossier = counter_dossier(world, accept=False)
    page.goto("/can-bo/dang-nhap/")
    page.keyboard.type("motcua.a")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/can-bo/(\?.*)?$"))
    _tab_to(page, f"document.activeElement.textContent.trim() === '{dossier.code}'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/can-bo/ho-so/"))
    _tab_to(page, "document.activeElement.textContent.trim() === 'Yêu cầu bổ sung hồ sơ'")
    page.keyboard.press("Enter")  # opens the action
    _tab_to(page, "document.activeElement.name === 'items'")
    page.keyboard.type("Bản sao có chứng thực giấy chứng sinh")
    _tab_to(page, "document.activeElement.name === 'reason'")
    page.keyboard.type("Bản sao chưa chứng thực")
    _tab_to(page, "document.activeElement.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message-success")
    assert page.locator("#dossier-state").inner_text() == "Yêu cầu bổ sung hồ sơ"
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    assert axe(page) == []


def test_two_tabs_never_make_two_transitions(page, world):
    dossier = to_processing(world, counter_dossier(world))
    sign_in(page, "lanhdao.c")
    second = page.context.new_page()
    for tab in (page, second):
        tab.goto(f"/can-bo/ho-so/{dossier.code}/")
    act(page, "Hoàn thành giải quyết", select={"select[name=result_kind]": "approval"})
    events = Dossier.objects.get(pk=dossier.pk).events.count()
    act(second, "Hoàn thành giải quyết", select={"select[name=result_kind]": "approval"})
    assert "Hồ sơ vừa được cập nhật" in second.locator(".message-error").inner_text()
    assert Dossier.objects.get(pk=dossier.pk).events.count() == events


def test_overdue_dossier_is_first_in_the_leaders_view_at_tablet_width(page, axe, world):
    dossier = to_processing(world, counter_dossier(world))  # received in 2025: long overdue
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "lanhdao.c")
    page.click("nav a:text('Lãnh đạo')")
    row = page.locator("tr", has=page.locator(f"a:text('{dossier.code}')"))
    assert row.locator(".badge-late").inner_text() == "Quá hạn"
    assert page.locator("td .badge-late").first.inner_text().startswith("1")  # per officer
    assert no_horizontal_scroll(page)
    assert axe(page) == []
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    assert no_horizontal_scroll(page)
    page.goto("/can-bo/?tab=overdue")
    assert no_horizontal_scroll(page)

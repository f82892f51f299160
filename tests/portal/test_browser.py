"""The citizen's whole online journey in Debian's Chromium, desktop and phone: register, verify,
search without accents, fill the e-form, attach files, review, submit, pay on the fake gateway,
supplement, download the result, rate the service; axe-clean pages; the CSP holds everywhere.

Issue 5 acceptance; PTL-FN-01, PTL-SUB-03/04, PTL-TRACK-01, OS-INTAKE-03, OS-SUPP, OS-RET-01,
OS-EVAL-03/04, OS-FEE (pay step)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from motcua.dossiers.models import Dossier
from tests.portal.builders import PDF, PNG, build, officials_resolve

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mat-khau-Cong-dan-2025"


def _csp_errors(page):
    found = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def _register_and_sign_in(page, email):
    page.goto("/tai-khoan/dang-ky/")
    page.get_by_label("Họ và tên").fill("Trần Thị Bích Ngọc")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.get_by_text("Kiểm tra thư điện tử").first.wait_for()
    link = re.search(r"https?://[^/]+(/tai-khoan/xac-thuc/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ho-so-cua-toi/")


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_citizen_completes_a_fee_paying_procedure_online(request, viewport, fake_gateway, live_server, axe, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = build()
    page = request.getfixturevalue(viewport)
    csp = _csp_errors(page)

    page.goto("/")
    assert axe(page) == []
    _register_and_sign_in(page, f"ngoc.{viewport}@example.vn")

    # Find the procedure by typing without diacritics.
    page.goto("/")
    page.get_by_role("searchbox").fill("dang ky khai sinh")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/thu-tuc/?q=*")
    assert axe(page) == []
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert axe(page) == []

    # Fill the e-form, attach the files, review, submit.
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r".*/nop-ho-so/\d+/$"))
    assert page.get_by_label("Họ và tên").first.input_value() == "Trần Thị Bích Ngọc"  # prefilled
    assert axe(page) == []
    page.get_by_label("Số định danh cá nhân").fill("038190001234")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ").fill("12 Lê Lợi, phường Hạc Thành")
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Lê Minh An")
    page.get_by_label("Ngày, tháng, năm sinh").fill("2025-07-01")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Thanh Hóa")
    page.get_by_label("Họ, chữ đệm, tên người mẹ").fill("Trần Thị Bích Ngọc")
    page.get_by_label("Quan hệ với trẻ").fill("mẹ")
    page.locator("#doc_0").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#doc_1").set_input_files(files=[{"name": "chung-sinh.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Tiếp tục: xem lại").click()
    page.wait_for_url("**/xem-lai/")
    assert "Lê Minh An" in page.locator("main").inner_text()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r".*/ho-so-cua-toi/[^/]+/$"))
    dossier = Dossier.objects.get()
    assert dossier.code in page.locator("h1").inner_text()
    assert "Mới đăng ký" in page.locator("main").inner_text()

    # Pay on the fake gateway; the IPN confirms it.
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Thanh toán").click()
    page.wait_for_url(f"{live_server.url}/thanh-toan/ket-qua/vnpay/*")
    page.locator("#payment-status .badge-ok").wait_for(timeout=10_000)
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    assert "Đã thanh toán phí, lệ phí" in page.locator("main").inner_text()

    # The agency asks for a supplement; the citizen sees exactly what and uploads it.
    officials_resolve(world, dossier.code, supplement=True)
    page.reload()
    page.get_by_label(re.compile("Giấy chứng sinh bản chính")).set_input_files(
        files=[{"name": "chung-sinh-ban-chinh.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.get_by_text("Đã gửi hồ sơ bổ sung.").wait_for()

    # Tracking page for anyone with the code (the receipt QR lands here).
    page.goto(f"/tra-cuu/{dossier.code}/")
    assert axe(page) == []

    # The result: download it and rate the service.
    officials_resolve(world, dossier.code)
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Tải kết quả")).click()
    assert download.value.suggested_filename == "giay-khai-sinh.pdf"
    for legend in page.locator("fieldset.rating").all():
        legend.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn bạn đã đánh giá.").first.wait_for()
    assert csp == []


def test_csp_keeps_admin_api_docs_and_htmx_working(page, live_server, db):
    response_headers = page.goto("/admin/login/").headers
    csp_header = response_headers["content-security-policy"]
    assert "script-src 'self'" in csp_header and "unsafe-inline" not in csp_header
    csp = _csp_errors(page)
    page.goto("/admin/login/")
    assert page.locator("#id_username").is_visible()
    # Swagger UI from our own static files (the bundle is large: the test server is slow to send it).
    page.goto("/api/v1/docs", wait_until="domcontentloaded", timeout=60_000)
    page.locator(".swagger-ui .info").wait_for(timeout=60_000)
    page.goto("/")
    assert page.evaluate("typeof htmx") == "object"  # htmx loaded from our origin, no eval needed
    assert csp == []


def test_csrf_is_enforced_on_portal_forms(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/tai-khoan/dang-nhap/", {"email": "a@example.vn", "password": "x"}).status_code == 403
    assert strict.post("/phan-anh/", {"sender_name": "A"}).status_code == 403

"""The citizen's whole online journey against the demo province, in Debian's Chromium, desktop and
phone: register (e-mail verification), find "Đăng ký khai sinh" typed without accents, fill its
demo e-form, attach the required file, pay the fee on a fake gateway (VNPay-type on the desktop,
the national PayGov-type platform on the phone), see the dossier received, upload the supplement
the one-stop officer asks for, download the result and rate the service; axe-clean pages; the CSP
holds everywhere.

Issue 5 acceptance ("done when": a fee-paying procedure fully online against the demo); PTL-FN-01,
PTL-SUB-03/04, PTL-TRACK-01, OS-INTAKE-03, OS-SUPP, OS-RET-01, OS-EVAL-03/04, OS-FEE-01..03,
INT-PAY-01..03."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from motcua.demo.seed import seed_demo
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import get_dossier, perform_action
from motcua.payments.models import Payment
from motcua.payments.services import paid_online_dossier_ids
from tests.portal.builders import PDF, PNG

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mat-khau-Cong-dan-2025"
UNIT = "000.00.41.H52"  # Ủy ban nhân dân phường Tô Hiệu in the demo province
PAYGOV_SECRET = "test-paygov-secret"


@pytest.fixture
def demo_province():
    """The demo province as `motcua demo` loads it (units, agencies, officials, calendar, the 22
    procedures with their processes), without history: about 4 s, so each test seeds its own."""
    seed_demo(password="demo-password-for-tests", log=lambda _: None)


@pytest.fixture
def both_gateways(fake_gateway, live_server, settings):
    """The fake VNPay-type gateway (the `fake_gateway` fixture) and the fake PayGov-type platform,
    both enabled, so the citizen chooses."""
    from motcua.payments.fake_paygov import FakePaygov

    with FakePaygov(
        partner_code="MOTCUA", secret=PAYGOV_SECRET, return_url=f"{live_server.url}/thanh-toan/ket-qua/paygov/"
    ) as platform:
        settings.MOTCUA_PAYMENTS = {
            **settings.MOTCUA_PAYMENTS,
            "paygov": {"url": platform.url, "partner_code": "MOTCUA", "secret": PAYGOV_SECRET, "http_timeout": 5},
        }
        yield fake_gateway, platform


def _official(username):
    return get_user_model().objects.get(username=username)


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


def _fill_birth_registration(page):
    assert page.get_by_label("Họ và tên").first.input_value() == "Trần Thị Bích Ngọc"  # prefilled (PTL-SUB-03)
    page.get_by_label("Số định danh cá nhân").fill("014190001234")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ").fill("Tổ 3, phường Tô Hiệu, tỉnh Sơn La")
    page.get_by_label("Nơi nộp hồ sơ").select_option(UNIT)
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Lò Minh An")
    page.get_by_label("Ngày, tháng, năm sinh").fill("2025-07-01")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Sơn La")
    page.get_by_label("Họ, chữ đệm, tên người mẹ").fill("Trần Thị Bích Ngọc")
    page.get_by_label("Quan hệ với trẻ").fill("mẹ")
    # The tờ khai is made from the answers; the birth certificate (giấy chứng sinh) is attached.
    page.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files(
        files=[{"name": "giay-chung-sinh.png", "mimeType": "image/png", "buffer": PNG}]
    )


def _pay(page, live_server, provider):
    page.get_by_label(provider["label"]).check()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(f"{live_server.url}/thanh-toan/ket-qua/{provider['code']}/*")
    page.locator("#payment-status .badge-ok").wait_for(timeout=15_000)


PROVIDERS = {
    "page": {"code": "vnpay", "label": "VNPay"},
    "phone_page": {"code": "paygov", "label": "Nền tảng thanh toán quốc gia"},
}


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_citizen_completes_a_fee_paying_demo_procedure_online(
    request, viewport, demo_province, both_gateways, live_server, axe, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert axe(page) == []

    # Fill the demo e-form, attach the file, review, submit.
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r".*/nop-ho-so/\d+/$"))
    assert axe(page) == []
    _fill_birth_registration(page)
    page.get_by_role("button", name="Tiếp tục: xem lại").click()
    page.wait_for_url("**/xem-lai/")
    assert "Lò Minh An" in page.locator("main").inner_text()
    assert axe(page) == []
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r".*/ho-so-cua-toi/[^/]+/$"))
    dossier = Dossier.objects.get()
    assert dossier.code.startswith(UNIT) and dossier.code in page.locator("h1").inner_text()
    assert "Mới đăng ký" in page.locator("main").inner_text()
    assert axe(page) == []  # the dossier page: receipt, provider choice, withdraw
    # The officials get the answers as the tờ khai component (a PDF), beside the attached file.
    assert dossier.components.filter(filename="to-khai-truc-tuyen.pdf", required_document__e_form=True).exists()

    # Pay the demo fee (8.000 đồng) on the chosen fake gateway; only its server-side word settles it.
    assert "8.000" in page.locator("#pay-title + p").inner_text()
    _pay(page, live_server, PROVIDERS[viewport])
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    assert "Đã thanh toán phí, lệ phí" in page.locator("main").inner_text()
    payment = Payment.objects.get(dossier=dossier)
    assert payment.provider == PROVIDERS[viewport]["code"] and payment.state == "paid" and payment.amount == 8000
    assert list(paid_online_dossier_ids()) == [dossier.pk]

    # The one-stop officer of phường Tô Hiệu asks for a supplement; the citizen sees what and uploads it.
    perform_action(
        get_dossier(dossier.code),
        "request_supplement",
        _official("mc.tohieu"),
        {"reason": "Ảnh giấy chứng sinh bị mờ", "items": ["Giấy chứng sinh (bản chụp rõ nét)"]},
    )
    page.reload()
    assert "Ảnh giấy chứng sinh bị mờ" in page.locator("main").inner_text()
    page.get_by_label(re.compile(r"Giấy chứng sinh \(bản chụp rõ nét\)")).set_input_files(
        files=[{"name": "giay-chung-sinh-ro.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.get_by_text("Đã gửi hồ sơ bổ sung.").wait_for()

    # Tracking page for anyone with the code (the receipt QR lands here).
    page.goto(f"/tra-cuu/{dossier.code}/")
    assert axe(page) == []

    # The officials accept, assign and resolve with the signed-off result file (demo accounts).
    dossier = get_dossier(dossier.code)
    perform_action(dossier, "accept", _official("mc.tohieu"), {})
    perform_action(dossier, "transfer", _official("mc.tohieu"), {"recipient": UNIT})
    perform_action(dossier, "assign", _official("tp.tohieu"), {"assignee": "cv.tohieu"})
    perform_action(
        dossier,
        "resolve",
        _official("tp.tohieu"),
        {"result_kind": "approval"},
        files=[Upload("giay-khai-sinh.pdf", PDF, "Giấy khai sinh")],
    )

    # The citizen downloads the result and rates the service.
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Tải kết quả")).click()
    assert download.value.suggested_filename == "giay-khai-sinh.pdf"
    for legend in page.locator("fieldset.rating").all():
        legend.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn bạn đã đánh giá.").first.wait_for()
    assert get_dossier(dossier.code).portal_rating.overall == "satisfied"
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

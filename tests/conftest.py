from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation
from hypothesis.configuration import set_hypothesis_home_dir


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only when the suite runs on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def api_client(client):
    """The Django test client; API tests call /api/v1/... through it (real URL routing, real JSON)."""
    return client


@pytest.fixture(scope="session", autouse=True)
def _hypothesis_storage_outside_the_repo(tmp_path_factory):
    """Hypothesis caches data even with database=None; keep it out of the working tree
    (ENGINEERING.md habit 8: no test leaves files behind)."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture(autouse=True)
def _vietnamese():
    """A request with Accept-Language: en leaves English active in the thread; every test starts in Vietnamese."""
    with translation.override("vi"):
        yield


# --- Browser tests ------------------------------------------------------------------------------
# Playwright drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run); Playwright's own
# browser download is not used. A missing browser is an error, not a skip: a skipped UI suite hides gaps.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by the test
    # itself (factories, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on a desktop viewport, Vietnamese first."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized context (375 x 740, touch) for the portal's mobile paths."""
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe():
    """`axe(page)` lists the page's serious and critical accessibility violations (empty when clean)."""
    return axe_violations


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (bundled by axe-playwright-python) in the page; return the violations of the given impacts
    as readable lines, so a failing assertion names the rule and the element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in impacts:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


# --- Payments: the fake VNPay-type gateway over real HTTP (tests/payments, portal browser tests) ----
FAKE_GATEWAY_TMN_CODE = "MOTCUA01"
FAKE_GATEWAY_SECRET = "test-vnpay-hash-secret"


@pytest.fixture
def fake_gateway(live_server, settings):
    """The fake VNPay-type gateway (motcua.payments.fake_gateway) on 127.0.0.1, random port, sending its
    IPN to the live server; the `vnpay` provider is pointed at it for the test (settings override).
    Pay with `start_payment(..., provider_code="vnpay", ...)` then open `payment.redirect_url`.
    Tests using it need `pytest.mark.django_db(transaction=True)` (the live server is another thread)."""
    from motcua.payments.fake_gateway import FakeVnpayGateway

    ipn_url = f"{live_server.url}/thanh-toan/ipn/vnpay/"
    with FakeVnpayGateway(tmn_code=FAKE_GATEWAY_TMN_CODE, secret=FAKE_GATEWAY_SECRET, ipn_url=ipn_url) as gateway:
        configured = dict(getattr(settings, "MOTCUA_PAYMENTS", None) or {})
        configured["vnpay"] = {
            "enabled": True,
            "tmn_code": FAKE_GATEWAY_TMN_CODE,
            "hash_secret": FAKE_GATEWAY_SECRET,
            "pay_url": gateway.pay_url,
        }
        settings.MOTCUA_PAYMENTS = configured
        # Browser tests return from the gateway many times a minute from 127.0.0.1.
        settings.MOTCUA_PAYMENTS_RETURN_RATE = "10000/m"
        yield gateway

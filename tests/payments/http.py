"""A tiny HTTP client for the protocol tests: real requests, redirects followed, no cookies."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from motcua.payments.fake_gateway import ACTION_PATH


def fetch(url, data=None):
    """GET (or POST a form when `data`); returns (status, body text, final URL)."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (127.0.0.1)
            return response.status, response.read().decode(), response.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.geturl()


def gateway_form(page):
    """The signed order the gateway's payment page carries in its form."""
    match = re.search(r'name="order" value="([^"]*)"', page)
    assert match, page
    return html.unescape(match.group(1))


def pay(redirect_url, action="pay"):
    """Open the gateway page like a browser, press "Thanh toán" (or "Hủy giao dịch"), follow the
    redirect to our return page; returns (status, body, final URL) of the return page."""
    status, page, _ = fetch(redirect_url)
    assert status == 200, page
    parts = urlsplit(redirect_url)
    return fetch(f"{parts.scheme}://{parts.netloc}{ACTION_PATH}", {"order": gateway_form(page), "action": action})

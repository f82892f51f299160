"""Rate limits shared by the API and the web pages (public lookup, sign-in, registration, feedback).

Counters live in Django's cache. The default cache is the database (shared by every web worker,
SQLite or PostgreSQL); set REDIS_URL to keep them in Redis instead. Clients are keyed by IP address
(the address the web server saw; behind a reverse proxy, configure it to set REMOTE_ADDR).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from motcua.core.errors import TooManyRequests


def enforce(request: HttpRequest, group: str, rate: str, key: str = "ip") -> None:
    """Count this request against `group` (e.g. "public-lookup") and refuse it beyond `rate` ("30/m")."""
    if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
        raise TooManyRequests(
            "rate_limited",
            _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn; vui lòng thử lại sau ít phút."),
        )

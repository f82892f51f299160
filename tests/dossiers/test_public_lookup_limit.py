"""Public tracking is rate limited per client address (PTL lookup abuse; issue: 30 lookups a minute)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(monkeypatch):
    """Empty counters and a still clock: the limit counts in fixed windows, and a test crossing a
    window boundary would see the count restart."""
    import django_ratelimit.core

    class StillClock:
        @staticmethod
        def time():
            return 1_790_000_000.0

    monkeypatch.setattr(django_ratelimit.core, "time", StillClock)
    cache.clear()
    yield
    cache.clear()


def test_lookups_beyond_the_limit_get_429_with_retry_after(client, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PUBLIC_LOOKUP_RATE": "3/m"}
    statuses = [
        client.get("/api/v1/public/dossiers/NO-SUCH-CODE", REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    refused = client.get("/api/v1/public/dossiers/NO-SUCH-CODE", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "thử lại" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) > 0
    # Another client is counted on its own.
    assert client.get("/api/v1/public/dossiers/NO-SUCH-CODE", REMOTE_ADDR="198.51.100.9").status_code == 404


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "motcua_cache"}}
)
def test_the_counters_live_in_the_database_cache_created_by_migrate():
    from django.db import connection

    assert "motcua_cache" in connection.introspection.table_names()

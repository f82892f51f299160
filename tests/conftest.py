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

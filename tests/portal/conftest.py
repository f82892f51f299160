from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _portal_isolation(settings, tmp_path):
    """Files under tmp_path (no files left behind); a fast hasher (accounts are set-up, not under test);
    e-mails in memory; the typo vocabulary and filter caches start empty for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from motcua.portal import finder
    from motcua.portal.views import catalog

    finder.forget_vocabulary()
    catalog._filters_cache.update(expires=0.0, value=None)
    yield
    finder.forget_vocabulary()


@pytest.fixture
def portal_world(db):
    from tests.portal.builders import build

    return build()


@pytest.fixture
def citizen_user(db):
    from tests.portal.builders import make_citizen

    return make_citizen()

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Component files go to a temporary directory (no files left behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db, settings):
    from tests.dossiers.builders import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()

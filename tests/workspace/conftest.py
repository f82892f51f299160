from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Component and draft files go to a temporary directory (no test leaves files behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db, settings):
    from tests.dossiers.builders import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture
def sign_in(client):
    """Sign `username` in through the real sign-in form; returns the client."""
    from tests.organizations.factories import PASSWORD

    def do(username: str, password: str = PASSWORD):
        response = client.post("/can-bo/dang-nhap/", {"username": username, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return do

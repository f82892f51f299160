"""Scoped API tokens: `motcua create-token` and bearer authentication."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from motcua.core import tokens
from motcua.core.models import ApiToken, AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("api.client", password="x-very-long-password")


def test_create_token_prints_the_token_alone_on_the_last_line(user):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", user="api.client", scopes="catalog:read,dossiers:read", stdout=out, stderr=err)
    last_line = out.getvalue().strip().splitlines()[-1]
    assert last_line.startswith("mc_") and " " not in last_line
    found = tokens.authenticate(last_line)
    assert found is not None and found[0] == user
    assert sorted(found[1].scopes) == ["catalog:read", "dossiers:read"]


def test_token_secret_is_stored_only_as_a_hash(user):
    issued = tokens.create_token("api.client", ["catalog:read"])
    secret = issued.plaintext.split("_", 2)[2]
    stored = ApiToken.objects.get()
    assert secret not in stored.secret_hash
    assert AuditRecord.objects.filter(object_type="core.apitoken").exists()


def test_wrong_revoked_or_expired_tokens_do_not_authenticate(user):
    from django.utils import timezone

    issued = tokens.create_token("api.client", ["catalog:read"])
    assert tokens.authenticate(issued.plaintext + "x") is None
    assert tokens.authenticate("not-a-token") is None
    ApiToken.objects.update(expires_at=timezone.now())
    assert tokens.authenticate(issued.plaintext) is None
    ApiToken.objects.update(expires_at=None, revoked_at=timezone.now())
    assert tokens.authenticate(issued.plaintext) is None


def test_unknown_scope_or_user_is_a_clear_error(user):
    with pytest.raises(CommandError, match="Phạm vi không hợp lệ"):
        call_command("create_token", user="api.client", scopes="everything", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("create_token", user="nobody", stdout=io.StringIO())


def test_api_accepts_bearer_token_and_rejects_bad_one(client, user):
    issued = tokens.create_token("api.client", ["catalog:read"])
    ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.plaintext}"})
    assert ok.status_code == 200
    assert ok.json()["username"] == "api.client" and ok.json()["scopes"] == ["catalog:read"]
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer mc_nope_nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthenticated"

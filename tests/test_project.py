"""Project-level checks: committed contract files match the code, commands behave as documented."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.core.management.commands.export_openapi import generated_schema

ROOT = Path(__file__).resolve().parent.parent


def test_committed_openapi_matches_the_code():
    """ENGINEERING habit 1: the committed openapi.json is what the code generates."""
    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == generated_schema(), "run `./motcua export-openapi` and commit openapi.json"


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_page_renders_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Tìm thủ tục hành chính" in response.content.decode()


def test_openapi_is_3_1_and_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")

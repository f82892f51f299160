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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "vietnamese", "english"),
    [
        ("/api/v1/procedures/1.999999", "thủ tục", "procedure"),
        ("/api/v1/agencies/000.00.99.H99", "cơ quan", "agency"),
        ("/api/v1/procedures?limit=0", "không hợp lệ", "invalid"),
    ],
)
def test_gen_06_errors_are_vietnamese_by_default_and_english_on_request(client, url, vietnamese, english):
    vi = client.get(url).json()["error"]
    en = client.get(url, headers={"Accept-Language": "en"}).json()["error"]
    assert vi["code"] == en["code"]
    assert vietnamese in vi["message"].lower()
    assert english in en["message"].lower()


@pytest.mark.django_db
def test_gen_06_request_field_errors_are_translated_not_pydantic_english(client):
    """Every input is validated with a clear message in Vietnamese (and English on request)."""
    url = "/api/v1/agencies?limit=0&level=huyen"
    english = {"Accept-Language": "en"}
    vi = {f["field"]: f["message"] for f in client.get(url).json()["error"]["fields"]}
    en = {f["field"]: f["message"] for f in client.get(url, headers=english).json()["error"]["fields"]}
    assert vi["limit"] == "Phải lớn hơn hoặc bằng 1."
    assert vi["level"].startswith("Giá trị không hợp lệ; chọn một trong:")
    assert en["limit"] == "Must be greater than or equal to 1."
    assert en["level"].startswith("The value is not valid; choose one of")

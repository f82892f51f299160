"""Web pages of this app, mounted by motcua.urls."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "workspace"
urlpatterns: list = []

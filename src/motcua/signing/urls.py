"""Web pages of this app, mounted by motcua.urls."""

from __future__ import annotations

from django.urls import path

from motcua.signing import views

app_name = "signing"
urlpatterns: list = [
    path("", views.verify_page, name="verify"),
]

"""Dossier admin is read-only: events and components are shown, never edited (GEN-03)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.dossiers.builders import counter_dossier

pytestmark = pytest.mark.django_db


def test_gen_03_admin_shows_events_read_only_and_refuses_edits(client, world):
    dossier = counter_dossier(world)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.test", "a-long-admin-password")
    client.force_login(admin)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert dossier.code in body and "accept" in body
    assert 'name="events-0-reason"' not in body  # no editable event field
    assert client.post(url, {"status": "returned"}).status_code == 403
    assert client.get(reverse("admin:dossiers_dossier_delete", args=[dossier.pk])).status_code == 403
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 200

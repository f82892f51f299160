"""GEN-03: every catalogue configuration write is audited; OS-CAT-05 in the admin screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.catalog import services
from motcua.catalog.models import Fee, VersionStatus
from motcua.core.audit import verify_chain
from motcua.core.context import Actor, acting_as
from motcua.core.models import AuditRecord
from tests.catalog.factories import VersionFactory, full_version, published

pytestmark = pytest.mark.django_db


def _actions(object_type):
    return list(AuditRecord.objects.filter(object_type=object_type).order_by("seq").values_list("action", flat=True))


def test_gen_03_catalogue_writes_are_audited_with_actor():
    with acting_as(Actor(kind="user", name="quantri", user_id=7, request_id="req-cat")):
        version = full_version()
        services.publish(version)
        services.new_version(version)
    assert _actions("catalog.sector") == ["create"]
    assert _actions("catalog.procedure")[:1] == ["create"]
    assert {"create", "update", "m2m_add"} <= set(_actions("catalog.procedureversion"))
    for child in ("catalog.requireddocument", "catalog.fee", "catalog.legalbasis", "catalog.resultdocument"):
        assert _actions(child) == ["create", "create"]  # the original row and its clone
    publish = AuditRecord.objects.filter(object_type="catalog.procedureversion", action="update").first()
    assert publish.before["status"] == "draft" and publish.after["status"] == "published"
    assert publish.actor_name == "quantri" and publish.request_id == "req-cat"
    assert verify_chain().intact


def test_gen_03_deleting_a_draft_row_is_audited():
    version = full_version()
    Fee.objects.get(version=version).delete()
    assert _actions("catalog.fee") == ["create", "delete"]


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-123")
    client.force_login(user)
    return client


def _act(admin_client, action, version):
    url = reverse("admin:catalog_procedureversion_changelist")
    return admin_client.post(url, {"action": action, "_selected_action": [version.pk]}, follow=True)


def test_os_cat_05_admin_publish_action_and_error_message(admin_client):
    version = VersionFactory()
    _act(admin_client, "publish_versions", version)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    incomplete = VersionFactory(sector=None)
    response = _act(admin_client, "publish_versions", incomplete)
    assert "chưa đủ thông tin để công bố" in response.content.decode()
    assert "Chưa chọn lĩnh vực" in response.content.decode()


def test_os_cat_05_admin_clone_and_retire_actions(admin_client):
    version = published(valid_from=dt.date(2025, 1, 1))
    _act(admin_client, "clone_versions", version)
    assert version.procedure.versions.filter(number=2, status=VersionStatus.DRAFT).exists()
    _act(admin_client, "retire_versions", version)
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_os_cat_05_admin_shows_published_version_read_only(admin_client):
    version = full_version()
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    assert 'name="_save"' in admin_client.get(url).content.decode()
    services.publish(version)
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = admin_client.post(url, {"name": "Sửa trộm"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name == "Đăng ký khai sinh"

"""Admin screens: read-only outbox with "retry now", channel configuration checked on save."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.notifications import services
from motcua.notifications.models import ChannelConfig, OutboxMessage, Status
from tests.notifications.conftest import BODY, RECIPIENT_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-123")
    client.force_login(user)
    return client


def _message(status=Status.DEAD):
    message = services.enqueue("email", RECIPIENT_EMAIL, "Tiêu đề", BODY, idempotency_key="adm-1")
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, attempts=8, next_attempt_at=None)
    return message


def test_outbox_list_and_detail_are_read_only(admin_client):
    message = _message()
    page = admin_client.get(reverse("admin:notifications_outboxmessage_changelist") + "?status__exact=dead")
    assert page.status_code == 200 and f"email #{message.pk}" not in ("",)
    assert RECIPIENT_EMAIL not in page.content.decode()  # the list does not show recipients
    detail = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403


def test_retry_now_action(admin_client, django_capture_on_commit_callbacks):
    message = _message()
    url = reverse("admin:notifications_outboxmessage_changelist")
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, {"action": "retry_now", "_selected_action": [message.pk]}, follow=True)
    assert "Đã xếp lịch gửi lại 1 thông báo." in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.next_attempt_at is not None
    assert len(callbacks) == 1


def _save_config(admin_client, **data):
    form = {"channel": "sms_http", "options": "{}", **data}
    return admin_client.post(reverse("admin:notifications_channelconfig_add"), form, follow=True)


def test_channel_config_schema_error_is_shown(admin_client):
    response = _save_config(admin_client, enabled="on", options='{"url": "nope", "api_key_env": "K"}')
    assert "“url” không phải địa chỉ http(s) hợp lệ" in response.content.decode()
    assert not ChannelConfig.objects.exists()


def test_enabling_a_channel_that_cannot_send_is_refused(admin_client, monkeypatch):
    monkeypatch.delenv("MOTCUA_SMS_KEY", raising=False)
    options = '{"url": "https://sms.example.vn/send", "api_key_env": "MOTCUA_SMS_KEY"}'
    response = _save_config(admin_client, enabled="on", options=options)
    assert "Không thể bật kênh: Biến môi trường MOTCUA_SMS_KEY chưa được đặt" in response.content.decode()
    assert not ChannelConfig.objects.exists()
    response = _save_config(admin_client, options=options)  # disabled: saved, with a warning
    assert "Đã lưu nhưng kênh chưa gửi được" in response.content.decode()
    assert ChannelConfig.objects.get().enabled is False
    listing = admin_client.get(reverse("admin:notifications_channelconfig_changelist")).content.decode()
    assert "MOTCUA_SMS_KEY chưa được đặt" in listing


def test_valid_channel_config_is_saved(admin_client, monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_KEY", "k")
    options = '{"url": "https://sms.example.vn/send", "api_key_env": "MOTCUA_SMS_KEY"}'
    response = _save_config(admin_client, enabled="on", options=options)
    assert response.status_code == 200
    assert ChannelConfig.objects.get().enabled is True

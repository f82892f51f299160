from __future__ import annotations

import pytest

from motcua.notifications.fake_gateway import FakeSmsGateway
from motcua.notifications.models import ChannelConfig

SMS_KEY_ENV = "MOTCUA_TEST_SMS_API_KEY"
RECIPIENT_EMAIL = "nguyen.van.a@example.vn"
RECIPIENT_PHONE = "0912345678"
BODY = "Kính gửi ông Nguyễn Văn A, hồ sơ của ông đã được tiếp nhận."


@pytest.fixture
def gateway():
    with FakeSmsGateway(api_key="khoa-thu-nghiem") as gw:
        yield gw


@pytest.fixture
def sms_config(gateway, monkeypatch):
    """sms_http pointed at the fake gateway; the key lives in the environment, not in the database."""
    monkeypatch.setenv(SMS_KEY_ENV, gateway.api_key)
    return ChannelConfig.objects.create(
        channel="sms_http",
        enabled=True,
        options={"url": gateway.url, "api_key_env": SMS_KEY_ENV, "timeout_seconds": 5, "sender": "MOTCUA"},
    )


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def notification_settings(settings):
    """Change settings.MOTCUA["NOTIFICATIONS"] for one test: notification_settings(MAX_ATTEMPTS=3)."""

    def apply(**values):
        settings.MOTCUA = {**settings.MOTCUA, "NOTIFICATIONS": values}

    return apply

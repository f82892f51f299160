"""ENGINEERING habit 2: channels behind a registry, options validated, check_config sentences."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from motcua.core.models import AuditRecord
from motcua.notifications.channels import DuplicateRegistration, Registry, registry
from motcua.notifications.models import ChannelConfig


def test_duplicate_registry_id_raises():
    local = Registry("thing")

    @local.register("a")
    class A:
        pass

    with pytest.raises(DuplicateRegistration):

        @local.register("a")
        class B:
            pass

    assert local.ids() == ["a"] and isinstance(local.get("a"), A)


def test_builtin_channel_ids_cannot_be_taken_twice():
    assert {"email", "sms_http", "fake_sms"} <= set(registry.ids())
    with pytest.raises(DuplicateRegistration):
        registry.register("email")(type("Other", (), {}))
    with pytest.raises(KeyError):
        registry.get("pigeon")


SMS_OK = {"url": "https://sms.example.vn/send", "api_key_env": "MOTCUA_SMS_KEY"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "thiếu “url”"),
        ({**SMS_OK, "url": "ftp://x"}, "“url” không phải địa chỉ http(s) hợp lệ"),
        ({**SMS_OK, "api_key_env": "lower-case"}, "“api_key_env” không hợp lệ"),
        ({**SMS_OK, "api_key": "bi-mat"}, "Không lưu khoá bí mật (“api_key”)"),
        ({**SMS_OK, "colour": "red"}, "không có tuỳ chọn “colour”"),
        ({**SMS_OK, "url": "http://sms.example.vn/send"}, "phải dùng https"),
        (SMS_OK, "Biến môi trường MOTCUA_SMS_KEY chưa được đặt"),
    ],
)
def test_sms_http_check_config_says_what_is_wrong(options, expected, monkeypatch):
    monkeypatch.delenv("MOTCUA_SMS_KEY", raising=False)
    problem = registry.get("sms_http").check_config(options)
    assert expected in problem
    assert problem.endswith(".")


def test_sms_http_check_config_accepts_a_complete_configuration(monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_KEY", "k")
    assert registry.get("sms_http").check_config(SMS_OK) is None
    assert registry.get("sms_http").check_config({**SMS_OK, "url": "http://127.0.0.1:9/sms"}) is None


def test_email_check_config(settings):
    email = registry.get("email")
    assert email.check_config({}) is None
    assert "Không tìm thấy bộ gửi thư" in email.check_config({"backend": "no.such.Backend"})
    assert "không hợp lệ" in email.check_config({"from_email": "not-an-address"})
    settings.EMAIL_BACKEND, settings.EMAIL_HOST = "django.core.mail.backends.smtp.EmailBackend", ""
    assert "EMAIL_HOST" in email.check_config({})


def test_fake_sms_check_config():
    assert registry.get("fake_sms").check_config({}) is None
    assert "không có tuỳ chọn" in registry.get("fake_sms").check_config({"x": 1})


@pytest.mark.django_db
def test_channel_config_validates_options_and_is_audited():
    config = ChannelConfig(channel="sms_http", options={"url": "nope"})
    with pytest.raises(ValidationError) as info:
        config.full_clean()
    assert "options" in info.value.message_dict
    with pytest.raises(ValidationError):
        ChannelConfig(channel="pigeon").full_clean()
    ChannelConfig.objects.create(channel="email", enabled=False)
    assert AuditRecord.objects.filter(object_type="notifications.channelconfig", action="create").exists()

"""Notification channels behind a registry (DESIGN rule 5, ENGINEERING habit 2).

A channel is a class registered with `@registry.register("id")` (duplicate ids are refused) that has
an `options_schema` (pydantic), `check_config(options) -> str | None` (one Vietnamese sentence saying
what is wrong, or None) and `send(message, options) -> provider message id`. `send` raises
`DeliveryError` when the provider refuses; `retryable=False` means trying again cannot help.

Built-in channels: `email` (Django's e-mail backend), `sms_http` (JSON over HTTP to an SMS gateway,
API key read from an environment variable) and `fake_sms` (records messages in a table, for
development). Enabled flag and options live in `ChannelConfig`; without a row a channel uses its
defaults and `enabled_by_default`.
"""

from __future__ import annotations

import json
import os
import smtplib
import unicodedata
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

if TYPE_CHECKING:
    from motcua.notifications.models import OutboxMessage

T = TypeVar("T")


class DuplicateRegistration(ValueError):
    pass


class Registry(Generic[T]):
    """Plugins of one kind, by id. `register("id")` refuses an id that is already taken."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._classes: dict[str, type[T]] = {}

    def register(self, plugin_id: str) -> Callable[[type[T]], type[T]]:
        def decorator(cls: type[T]) -> type[T]:
            if plugin_id in self._classes:
                raise DuplicateRegistration(f"{self.kind} {plugin_id!r} is already registered")
            cls.id = plugin_id  # type: ignore[attr-defined]
            self._classes[plugin_id] = cls
            return cls

        return decorator

    def unregister(self, plugin_id: str) -> None:
        self._classes.pop(plugin_id, None)

    def get(self, plugin_id: str) -> T:
        try:
            return self._classes[plugin_id]()
        except KeyError:
            raise KeyError(f"unknown {self.kind} {plugin_id!r}") from None

    def ids(self) -> list[str]:
        return sorted(self._classes)

    def __contains__(self, plugin_id: object) -> bool:
        return plugin_id in self._classes

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())


class OptionsInvalid(ValueError):
    """Options do not fit the channel's schema; str() is a Vietnamese sentence."""


class DeliveryError(Exception):
    """The provider did not take the message. `reason` must not contain personal data."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


_SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey")


def _describe_pydantic(exc: PydanticValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"]) or "options"
        kind = err["type"]
        if kind == "missing":
            parts.append(_("thiếu “%(f)s”") % {"f": name})
        elif kind == "extra_forbidden":
            parts.append(_("không có tuỳ chọn “%(f)s”") % {"f": name})
        elif kind.startswith("url"):
            parts.append(_("“%(f)s” không phải địa chỉ http(s) hợp lệ") % {"f": name})
        else:
            parts.append(_("“%(f)s” không hợp lệ") % {"f": name})
    return _("Tuỳ chọn không hợp lệ: %(parts)s.") % {"parts": "; ".join(parts)}


class Channel:
    """Base class of a notification channel."""

    id: ClassVar[str]
    label: ClassVar[str] = ""
    options_schema: ClassVar[type[BaseModel]]
    enabled_by_default: ClassVar[bool] = False

    def parse_options(self, raw: Mapping[str, Any] | BaseModel | None) -> BaseModel:
        if isinstance(raw, BaseModel):
            return raw
        raw = dict(raw or {})
        declared = set(self.options_schema.model_fields)
        secrets = [k for k in raw if k not in declared and any(w in k.lower() for w in _SECRET_WORDS)]
        if secrets:
            raise OptionsInvalid(
                _(
                    "Không lưu khoá bí mật (“%(key)s”) trong cấu hình: hãy đặt nó vào một biến môi trường "
                    "trên máy chủ và ghi tên biến đó vào tuỳ chọn."
                )
                % {"key": secrets[0]}
            )
        try:
            return self.options_schema.model_validate(raw)
        except PydanticValidationError as exc:
            raise OptionsInvalid(_describe_pydantic(exc)) from None

    def check_config(self, options: Mapping[str, Any] | BaseModel | None) -> str | None:
        """One sentence saying what is wrong with `options` (schema first, then the channel's own
        checks), or None when the channel can send."""
        try:
            parsed = self.parse_options(options)
        except OptionsInvalid as exc:
            return str(exc)
        return self.check(parsed)

    def check(self, options: Any) -> str | None:
        return None

    def send(self, message: OutboxMessage, options: Any) -> str:
        raise NotImplementedError


registry: Registry[Channel] = Registry("notification channel")


# --- e-mail -------------------------------------------------------------------------------------
class EmailOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_email: str | None = Field(None, description="Sender; default settings.DEFAULT_FROM_EMAIL")
    reply_to: list[str] = Field(default_factory=list)
    subject_prefix: str = Field("", max_length=60)
    backend: str | None = Field(None, description="Dotted path of an e-mail backend; default settings.EMAIL_BACKEND")


@registry.register("email")
class EmailChannel(Channel):
    label = "E-mail"
    options_schema = EmailOptions
    enabled_by_default = True

    def check(self, options: EmailOptions) -> str | None:
        backend = options.backend or settings.EMAIL_BACKEND
        try:
            import_string(backend)
        except ImportError:
            return _("Không tìm thấy bộ gửi thư “%(b)s”.") % {"b": backend}
        for address in [options.from_email or settings.DEFAULT_FROM_EMAIL, *options.reply_to]:
            try:
                validate_email(address)
            except ValidationError:
                return _("Địa chỉ thư “%(a)s” không hợp lệ.") % {"a": address}
        if backend.endswith("smtp.EmailBackend") and not getattr(settings, "EMAIL_HOST", ""):
            return _("Chưa cấu hình máy chủ thư (EMAIL_HOST).")
        return None

    def send(self, message: OutboxMessage, options: EmailOptions) -> str:
        from_email = options.from_email or settings.DEFAULT_FROM_EMAIL
        message_id = make_msgid(domain=from_email.rpartition("@")[2] or "motcua.local")
        email = EmailMultiAlternatives(
            subject=f"{options.subject_prefix}{message.subject}",
            body=message.body,
            from_email=from_email,
            to=[message.recipient],
            reply_to=options.reply_to or None,
            headers={"Message-ID": message_id, "X-Motcua-Idempotency-Key": message.idempotency_key},
            connection=get_connection(options.backend or None, fail_silently=False),
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            raise DeliveryError(
                _("Máy chủ thư từ chối địa chỉ người nhận (mã %(c)s).") % {"c": codes[0] if codes else "?"},
                retryable=any(code < 500 for code in codes),
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(_("Không gửi được thư: %(e)s.") % {"e": type(exc).__name__}) from None
        return message_id


# --- SMS over HTTP ------------------------------------------------------------------------------
class SmsHttpOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    api_key_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$", max_length=100)
    sender: str = Field("", max_length=20, description="Brand name registered with the carrier")
    timeout_seconds: float = Field(10.0, gt=0, le=60)
    unaccented: bool = Field(False, description="Send Vietnamese without diacritics (GSM 7-bit)")


_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_RETRYABLE_STATUS = {408, 425, 429}


def unaccent(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@registry.register("sms_http")
class SmsHttpChannel(Channel):
    """POST {"to", "text", "sender", "reference"} as JSON with `Authorization: Bearer <key>` and an
    `Idempotency-Key` header; a 2xx answer is success and its JSON `id` the provider id."""

    label = "SMS (cổng HTTP)"
    options_schema = SmsHttpOptions

    def check(self, options: SmsHttpOptions) -> str | None:
        if options.url.scheme != "https" and options.url.host not in _LOCAL_HOSTS:
            return _("Địa chỉ cổng SMS phải dùng https (chỉ máy cục bộ mới được dùng http).")
        if not os.environ.get(options.api_key_env):
            return _("Biến môi trường %(env)s chưa được đặt trên máy chủ nên không đọc được khoá API của cổng SMS.") % {
                "env": options.api_key_env
            }
        return None

    def send(self, message: OutboxMessage, options: SmsHttpOptions) -> str:
        api_key = os.environ.get(options.api_key_env)
        if not api_key:
            raise DeliveryError(_("Biến môi trường %(env)s chưa được đặt.") % {"env": options.api_key_env})
        text = unaccent(message.body) if options.unaccented else message.body
        payload = {
            "to": message.recipient,
            "text": text,
            "sender": options.sender,
            "reference": message.idempotency_key,
        }
        request = urllib.request.Request(  # noqa: S310  (scheme limited to http(s) by the schema)
            str(options.url),
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {api_key}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=options.timeout_seconds) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            exc.close()
            status = exc.code
            raise DeliveryError(
                _("Cổng SMS trả về HTTP %(s)s.") % {"s": status},
                retryable=status >= 500 or status in _RETRYABLE_STATUS,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(_("Không kết nối được cổng SMS (%(e)s).") % {"e": type(reason).__name__}) from None
        return _provider_id(raw)


def _provider_id(raw: bytes) -> str:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("id") or data.get("message_id") or "")[:200]


# --- fake SMS (development) ---------------------------------------------------------------------
class FakeSmsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@registry.register("fake_sms")
class FakeSmsChannel(Channel):
    """Stores what it would have sent in `FakeSmsMessage` (visible in the admin)."""

    label = "SMS giả lập (phát triển)"
    options_schema = FakeSmsOptions
    enabled_by_default = True

    def send(self, message: OutboxMessage, options: FakeSmsOptions) -> str:
        from motcua.notifications.models import FakeSmsMessage

        provider_id = f"fake-{uuid.uuid4().hex}"
        FakeSmsMessage.objects.create(provider_message_id=provider_id, recipient=message.recipient, body=message.body)
        return provider_id


# --- state of the configured channels -----------------------------------------------------------
@dataclass(frozen=True)
class ChannelState:
    channel: Channel | None
    options: Any
    enabled: bool
    problem: str | None


def channel_state(channel_id: str) -> ChannelState:
    """The registered channel, its parsed options and whether it is enabled."""
    from motcua.notifications.models import ChannelConfig

    if channel_id not in registry:
        return ChannelState(None, None, True, _("Kênh “%(id)s” chưa được đăng ký.") % {"id": channel_id})
    channel = registry.get(channel_id)
    config = ChannelConfig.objects.filter(channel=channel_id).first()
    enabled = config.enabled if config else channel.enabled_by_default
    try:
        options = channel.parse_options(config.options if config else {})
    except OptionsInvalid as exc:
        return ChannelState(channel, None, enabled, str(exc))
    return ChannelState(channel, options, enabled, None)


def enabled_channel_ids() -> list[str]:
    from motcua.notifications.models import ChannelConfig

    flags = dict(ChannelConfig.objects.values_list("channel", "enabled"))
    return [cid for cid in registry.ids() if flags.get(cid, registry.get(cid).enabled_by_default)]

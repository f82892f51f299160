"""Domain errors with a stable machine-readable code and a translatable message.

Services raise these; the API turns them into `{"error": {...}}` bodies with the matching HTTP
status, and the admin and CLI show `message`. Messages are Vietnamese by default and English when
the request asks for it (Accept-Language or ?lang=en).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass
class FieldError:
    field: str
    code: str
    message: str | Promise
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "code": self.code, "message": str(self.message)}
        if self.row is not None:
            data["row"] = self.row
        return data


@dataclass
class DomainError(Exception):
    code: str
    message: str | Promise
    status: int = 400
    fields: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = [f.as_dict() for f in self.fields]
        body.update(self.extra)
        return body


class ValidationFailed(DomainError):
    def __init__(
        self, message: str | Promise, fields: list[FieldError] | None = None, code: str = "validation_failed"
    ) -> None:
        super().__init__(code=code, message=message, status=422, fields=fields or [])


class NotFound(DomainError):
    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code=code, message=message, status=404)


class Conflict(DomainError):
    def __init__(self, code: str, message: str | Promise, **extra: Any) -> None:
        super().__init__(code=code, message=message, status=409, extra=extra)


class Forbidden(DomainError):
    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code=code, message=message, status=403)


class TooManyRequests(DomainError):
    """A rate limit was hit; `retry_after` seconds is sent as the Retry-After header by the API."""

    def __init__(self, code: str, message: str | Promise, retry_after: int = 60) -> None:
        super().__init__(code=code, message=message, status=429, extra={"retry_after": retry_after})

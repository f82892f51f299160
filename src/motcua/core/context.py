"""Who is acting, for the audit log: set by the request middleware, the CLI and background tasks."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The user or application behind a write (GEN-03)."""

    kind: str  # "user" | "application" | "system"
    name: str
    user_id: int | None = None
    agency_code: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


SYSTEM = Actor(kind="system", name="system", request_id="")
_current: ContextVar[Actor] = ContextVar("motcua_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)

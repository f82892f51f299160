"""Function plugins by name (DESIGN.md rule 5), for hooks one app offers and another fills in its
`ready()`: the dossiers app asks for "the form signer" or "the signature checker" without importing
the signing app. (Plugin *classes* with options use `notifications.channels.Registry`.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

F = TypeVar("F", bound=Callable[..., object])


class FunctionRegistry(Generic[F]):
    """Named functions of one kind; `chosen()` is the one named by `MOTCUA[setting]`, or the first
    registered when the setting is empty; the name "none" turns the hook off."""

    def __init__(self, kind: str, setting: str) -> None:
        self.kind = kind
        self.setting = setting
        self._functions: dict[str, F] = {}

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator registering `name`; a name already taken is refused."""

        def add(function: F) -> F:
            if name in self._functions:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._functions[name] = function
            return function

        return add

    def unregister(self, name: str) -> None:
        self._functions.pop(name, None)

    def chosen(self) -> F | None:
        wanted = str(getattr(settings, "MOTCUA", {}).get(self.setting, "") or "")
        if wanted == "none":
            return None
        if wanted:
            return self._functions.get(wanted)
        return next(iter(self._functions.values()), None)

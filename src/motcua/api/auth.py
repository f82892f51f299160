"""API authentication: scoped bearer tokens for machines, the session for signed-in officials."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.core import tokens


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = tokens.authenticate(token)
        if found is None:
            return None
        request.user, request.api_token = found  # type: ignore[attr-defined]
        return found[0]


token_or_session = [TokenAuth(), SessionAuth()]

"""HTTP API of this app, mounted by motcua.api.urls."""

from __future__ import annotations

from ninja import Router

router = Router()

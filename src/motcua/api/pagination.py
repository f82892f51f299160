"""Offset pagination shared by the list endpoints: `{"items", "count", "limit", "offset"}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


def page_of(queryset: QuerySet[Any], limit: int, offset: int, serialize: Callable[[Any], Any]) -> dict[str, object]:
    return {
        "items": [serialize(row) for row in queryset[offset : offset + limit]],
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
    }

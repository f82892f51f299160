"""Template helpers of the officials' screens."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping|get_item:key` – dictionary lookup with a variable key ("" when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""

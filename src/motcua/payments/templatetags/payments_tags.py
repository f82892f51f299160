from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(value: object) -> str:
    """12345678 -> "12.345.678 đ" (Vietnamese thousands separator)."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    return f"{number:,} đ".replace(",", ".")

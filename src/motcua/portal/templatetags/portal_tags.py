"""Template filters of the portal."""

from __future__ import annotations

from django import template

from motcua.dossiers.schemas import status_label as _status_label

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    try:
        return _status_label(status)
    except ValueError:
        return status


@register.filter
def vnd(amount: int) -> str:
    return f"{int(amount or 0):,}".replace(",", ".")

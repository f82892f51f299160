"""Helpers shared by the portal views: sign-in requirement, rate limits, domain errors as pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from motcua.core import ratelimit
from motcua.core.errors import DomainError, TooManyRequests

SIGN_IN_RATE = "10/m"
REGISTER_RATE = "5/m"
FEEDBACK_RATE = "5/m"


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:sign_in')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def limited(request: HttpRequest, group: str, rate: str) -> HttpResponse | None:
    """A 429 page when `request` is over `rate` for `group`, else None."""
    try:
        ratelimit.enforce(request, group, rate)
    except TooManyRequests as exc:
        response = render(request, "portal/error.html", {"error": exc}, status=429)
        response["Retry-After"] = str(exc.extra.get("retry_after", 60))
        return response
    return None


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "portal/error.html", {"error": exc}, status=exc.status)


def field_errors(exc: DomainError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in exc.fields:
        found.setdefault(item.field, str(item.message))
    return found

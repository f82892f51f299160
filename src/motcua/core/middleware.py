from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.core.context import Actor, acting_as

_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"


class RequestContextMiddleware:
    """Attach a request id and the signed-in user to everything written during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get(_REQUEST_ID_HEADER, "")[:64] or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = Actor(kind="user", name=user.get_username(), user_id=user.pk, request_id=request_id)
        else:
            actor = Actor(kind="anonymous", name="anonymous", request_id=request_id)
        with acting_as(actor):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response

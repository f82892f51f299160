"""A fake SMS gateway speaking the `sms_http` protocol over real HTTP, for tests and local runs.

    with FakeSmsGateway(api_key="k") as gateway:
        gateway.fail_next(2, status=503)
        ... options {"url": gateway.url, ...}
        gateway.received  # JSON bodies of accepted requests

A WSGI app on 127.0.0.1 (random port) served by `core.local_server`, like the fake payment
gateways. Requests with a wrong `Authorization: Bearer <key>` get 401; an `Idempotency-Key` seen
before returns the first answer again without recording a second message (as a real gateway with
idempotency does).
"""

from __future__ import annotations

import json
import threading
import uuid
from http import HTTPStatus
from typing import Any

from motcua.core.local_server import LocalWSGIServer


class FakeSmsGateway(LocalWSGIServer):
    thread_name = "fake-sms-gateway"

    def __init__(self, api_key: str = "test-api-key", path: str = "/sms") -> None:
        super().__init__()
        self.api_key = api_key
        self.path = path
        self.received: list[dict[str, Any]] = []
        self.requests = 0
        self._failures: list[int] = []
        self._answers: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.base_url}{self.path}"

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next `count` requests with HTTP `status`."""
        with self._lock:
            self._failures.extend([status] * count)

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] != "POST":
            status, answer = 405, {"error": "method not allowed"}
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            headers = {
                "Authorization": environ.get("HTTP_AUTHORIZATION"),
                "Idempotency-Key": environ.get("HTTP_IDEMPOTENCY_KEY"),
            }
            status, answer = self.handle(environ.get("PATH_INFO", ""), headers, environ["wsgi.input"].read(length))
        body = json.dumps(answer).encode()
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def handle(self, path: str, headers: Any, raw: bytes) -> tuple[int, dict[str, Any]]:
        """Decide the answer to one POST (called from the server thread)."""
        with self._lock:
            self.requests += 1
            if path != self.path:
                return 404, {"error": "not found"}
            if headers.get("Authorization") != f"Bearer {self.api_key}":
                return 401, {"error": "unauthorized"}
            if self._failures:
                return self._failures.pop(0), {"error": "simulated failure"}
            try:
                payload = json.loads(raw)
            except ValueError:
                return 400, {"error": "invalid json"}
            if not isinstance(payload, dict) or not payload.get("to") or not payload.get("text"):
                return 400, {"error": "to and text are required"}
            key = headers.get("Idempotency-Key") or ""
            if key and key in self._answers:
                return 200, {"id": self._answers[key], "duplicate": True}
            provider_id = f"gw-{uuid.uuid4().hex[:12]}"
            if key:
                self._answers[key] = provider_id
            self.received.append({**payload, "idempotency_key": key})
            return 200, {"id": provider_id}

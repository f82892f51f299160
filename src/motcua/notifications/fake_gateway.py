"""A fake SMS gateway speaking the `sms_http` protocol over real HTTP, for tests and local runs.

    with FakeSmsGateway(api_key="k") as gateway:
        gateway.fail_next(2, status=503)
        ... options {"url": gateway.url, ...}
        gateway.received  # JSON bodies of accepted requests

It runs a stdlib `ThreadingHTTPServer` on 127.0.0.1 (random port) in a daemon thread. Requests
with a wrong `Authorization: Bearer <key>` get 401; an `Idempotency-Key` seen before returns the
first answer again without recording a second message (as a real gateway with idempotency does).
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeSmsGateway:
    def __init__(self, api_key: str = "test-api-key", path: str = "/sms") -> None:
        self.api_key = api_key
        self.path = path
        self.received: list[dict[str, Any]] = []
        self.requests = 0
        self._failures: list[int] = []
        self._answers: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the gateway first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next `count` requests with HTTP `status`."""
        with self._lock:
            self._failures.extend([status] * count)

    def start(self) -> FakeSmsGateway:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-sms-gateway", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSmsGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

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


def _handler_for(gateway: FakeSmsGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, answer = gateway.handle(self.path, self.headers, self.rfile.read(length))
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the default handler prints every request (with client data) to stderr."""

    return Handler

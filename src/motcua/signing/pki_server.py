"""A local HTTP server for the demo PKI: RFC 3161 time-stamps, the CRL and OCSP.

The tests start it on 127.0.0.1 with port 0 so that B-T and B-LT signatures talk real HTTP, and
`motcua demo` can start it in a thread next to the web server. The time-stamps are produced by
pyHanko's `DummyTimeStamper` (a real RFC 3161 response signed by a TSA certificate of the demo CA);
only the name is "dummy": it does not keep an audit log like a production TSA would.

Routes: POST /tsa (application/timestamp-query), GET /crl (DER CRL), POST /ocsp
(application/ocsp-request).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from motcua.signing.pki import DemoPKI, Issued

MAX_REQUEST = 64 * 1024


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@dataclass
class Authority:
    """What the server answers for: the CA, the TSA certificate and the certificates it knows."""

    pki: DemoPKI
    tsa: Issued | None = None
    known: dict[int, x509.Certificate] = field(default_factory=dict)

    def remember(self, *issued: Issued) -> None:
        for item in issued:
            self.known[item.certificate.serial_number] = item.certificate

    def timestamper(self) -> DummyTimeStamper:
        assert self.tsa is not None
        return DummyTimeStamper(
            tsa_cert=asn1_cert(self.tsa.certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(self.tsa.key_der()),
            certs_to_embed=[asn1_cert(self.pki.root.certificate)],
        )


class _Handler(BaseHTTPRequestHandler):
    authority: Authority  # set on the subclass made by `serve`

    def log_message(self, format, *args):
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST:
            self._reply(400, b"bad request", "text/plain")
            return None
        return self.rfile.read(length)

    def do_GET(self):
        if self.path.split("?")[0] == "/crl":
            self._reply(200, self.authority.pki.crl(), "application/pkix-crl")
        else:
            self._reply(404, b"not found", "text/plain")

    def do_POST(self):
        path = self.path.split("?")[0]
        body = self._body()
        if body is None:
            return
        if path == "/tsa" and self.authority.tsa is not None:
            try:
                request = tsp.TimeStampReq.load(body)
                response = self.authority.timestamper().request_tsa_response(request)
            except Exception:
                self._reply(400, b"bad time-stamp request", "text/plain")
                return
            self._reply(200, response.dump(), "application/timestamp-reply")
        elif path == "/ocsp":
            self._reply(200, self.authority.pki.ocsp_response(body, self.authority.known), "application/ocsp-response")
        else:
            self._reply(404, b"not found", "text/plain")


@dataclass
class RunningServer:
    server: ThreadingHTTPServer
    thread: threading.Thread
    authority: Authority

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def bind(host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, type[_Handler]]:
    """Bind first (so the URL is known before the certificates that point at it are issued)."""
    handler = type("PKIHandler", (_Handler,), {})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server, handler


def serve(server: ThreadingHTTPServer, handler: type[_Handler], authority: Authority) -> RunningServer:
    handler.authority = authority
    thread = threading.Thread(target=server.serve_forever, name="motcua-pki", daemon=True)
    thread.start()
    return RunningServer(server, thread, authority)


def start_demo_pki(
    host: str = "127.0.0.1", port: int = 0, *, root_name: str = "motcua Demo Root CA", ocsp: bool = False
) -> RunningServer:
    """Bind, create a CA whose certificates point at this server (CRL, and OCSP if asked), issue
    the TSA certificate, serve."""
    server, handler = bind(host, port)
    url = "http://{}:{}".format(*server.server_address[:2])
    pki = DemoPKI.create(name=root_name, crl_url="" if ocsp else f"{url}/crl", ocsp_url=f"{url}/ocsp" if ocsp else "")
    tsa = pki.issue("motcua Demo TSA", organization="motcua (thử nghiệm)", timestamping=True, days=3650)
    authority = Authority(pki=pki, tsa=tsa)
    authority.remember(tsa)
    return serve(server, handler, authority)

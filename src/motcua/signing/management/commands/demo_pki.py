"""`motcua demo-pki`: serve the demo CA's RFC 3161 time-stamps and CRL (a child of `motcua demo`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.signing.demo import load_pki
from motcua.signing.pki_server import Authority, bind, serve


class Command(BaseCommand):
    help = "Máy chủ dấu thời gian (TSA) và danh sách thu hồi (CRL) của CA thử nghiệm."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8002)

    def handle(self, *args, host: str, port: int, **options):
        pki, tsa, _url = load_pki()
        server, handler = bind(host, port)
        running = serve(server, handler, Authority(pki=pki, tsa=tsa))
        self.stdout.write(f"Demo PKI: time-stamps at {running.url}/tsa, CRL at {running.url}/crl")
        try:
            running.thread.join()
        except KeyboardInterrupt:
            running.stop()

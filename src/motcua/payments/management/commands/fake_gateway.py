"""`motcua fake-gateway [--port 8001] [--ipn-url URL]`: run the fake VNPay-type gateway (development only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.payments import fake_gateway


class Command(BaseCommand):
    help = "Run the fake VNPay-type payment gateway for development and the demo (no real money)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--tmn-code", default=None)
        parser.add_argument("--secret", default=None, help="Defaults to MOTCUA_VNPAY_HASH_SECRET.")
        parser.add_argument("--ipn-url", default=None, help="Defaults to MOTCUA_FAKE_GATEWAY_IPN_URL.")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--host", options["host"], "--port", str(options["port"])]
        for name in ("tmn_code", "secret", "ipn_url"):
            if options[name]:
                argv += ["--" + name.replace("_", "-"), options[name]]
        fake_gateway.main(argv)

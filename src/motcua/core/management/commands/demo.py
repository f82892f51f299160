"""`motcua demo`: migrate an SQLite database under ./var/, load the demo province, serve with a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.demo.seed import demo_accounts, demo_password
from motcua.dossiers.demo_history import DEFAULT_COUNT
from motcua.dossiers.models import Dossier
from motcua.payments.demo import fake_gateway_command, fake_gateway_environment, gateway_port
from motcua.signing.demo import demo_pki_command, demo_pki_environment, seed_demo_pki

MAX_RESTARTS = 5


class Command(BaseCommand):
    help = "Run the platform with the demo province: migrate, seed (first run only), serve and run a worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database and exit.")
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_COUNT,
            help=f"Dossiers of demo history on the first run (default {DEFAULT_COUNT}; 0 for none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("motcua demo: preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", verbosity=1, history=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The demo's own certificate authority, certificates for agencies and leaders (idempotent).
        seed_demo_pki(host=options["host"], port=options["port"], log=self.stdout.write)
        history = options["history"] if not Dossier.objects.exists() else 0
        if options["no_serve"]:
            if history:
                call_command("demo_history", count=history)
            return
        self._serve(options["host"], options["port"], history)

    def _serve(self, host: str, port: int, history: int) -> None:
        python = sys.executable
        # The past is generated through the real services (minutes for thousands of dossiers), so
        # it runs beside the server: the site is usable at once and the worklists fill up.
        background = []
        if history:
            self.stdout.write(f"Demo history: {history:,} dossiers are being generated in the background.")
            command = [python, "-m", "motcua", "demo-history", "--count", str(history), "--beside-server"]
            background.append(subprocess.Popen(command))  # noqa: S603  (our own interpreter)
        # Online fees are paid on a local fake of a VNPay-type gateway (no real money); the web
        # server inherits the environment that points the `vnpay` provider at it.
        gateway_env = fake_gateway_environment(host, port) | demo_pki_environment(host, port)
        os.environ.update({k: v for k, v in gateway_env.items() if k not in os.environ})
        commands = [
            fake_gateway_command(python, host, port),
            # The demo time-stamp authority and CRL, so B-T and B-LT signatures work out of the box.
            demo_pki_command(python, host, port),
            [python, "-m", "motcua", "worker"],
            # Periodic sweep of the notification outbox (retries with backoff).
            [python, "-m", "motcua", "deliver-notifications"],
            # Periodic deadline watch: due-soon and overdue alerts (OS-LATE-04).
            [python, "-m", "motcua", "watch-deadlines"],
            # Payments left pending past their lifetime are expired (the gateway refuses them too).
            [python, "-m", "motcua", "expire-payments"],
            [python, "-m", "motcua", "serve", "--host", host, "--port", str(port), "--workers", "2"],
        ]
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603
        restarts = [0] * len(children)
        stop = {"requested": False}

        def request_stop(signum: int, frame: Any) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        base = f"http://{host}:{port}"
        if self._wait_healthy(base, children):
            self._print_welcome(base, host, port)
        else:
            self.stderr.write(f"The server did not answer {base}/healthz in time; see the log above.")
        try:
            while not stop["requested"]:
                for index, child in enumerate(children):
                    if child.poll() is None:
                        continue
                    # A helper process may die of a transient error (an SQLite write lock held too
                    # long under load); start it again a few times before giving up.
                    if restarts[index] >= MAX_RESTARTS:
                        raise CommandError("A demo process keeps stopping; see the log above.")
                    restarts[index] += 1
                    self.stderr.write(f"restarting: {' '.join(commands[index][2:])}")
                    children[index] = subprocess.Popen(commands[index])  # noqa: S603
                time.sleep(0.5)
        finally:
            for child in children + background:
                if child.poll() is None:
                    child.terminate()
            for child in children + background:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("motcua demo stopped.")

    def _wait_healthy(self, base: str, children: list[subprocess.Popen[bytes]]) -> bool:
        # A busy machine may take a minute or more to start the web workers: wait by the clock.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                return False
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                    if response.status == 200:
                        return True
            except OSError:
                time.sleep(0.5)
        return False

    def _print_welcome(self, base: str, host: str, port: int) -> None:
        lines = [
            "",
            "motcua is running (Ctrl+C to stop).",
            f"  Portal / home:     {base}/",
            f"  Administration:    {base}/admin/",
            f"  API documentation: {base}/api/v1/docs",
            f"  OpenAPI:           {base}/api/v1/openapi.json",
            f"  Health:            {base}/healthz",
            f"  Fake payment gateway (VNPay-type, no real money): http://{host}:{gateway_port(port)}/",
            f"  Database:          {settings.DATABASES['default']['NAME']}",
            "",
            f"Demo accounts (password: {demo_password()}):",
        ]
        lines += [f"  {username:<14} {description}" for username, description in demo_accounts()]
        lines.append("")
        self.stdout.write("\n".join(lines))
        os.environ.setdefault("MOTCUA_DEMO_URL", base)

"""Workspace benchmarks for `motcua bench --only workspace`: server time of the officials' pages on a
large table (issue 4: worklist and dossier page, p95 target 100 ms with 1,000,000 dossiers).

Reuses the dossier benchmark's world and bulk loader (`motcua.dossiers.bench`); then a few dozen
dossiers get a real history through the services (intake, transfer, assignment, a step) so the
dossier page has events, components and a process to show. Requests go through Django's test
client: URL routing, middleware, session, the view, the queries and the template, no network.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.core.bench import BenchResult, latencies_ms, percentile
from motcua.dossiers import bench as dossier_bench
from motcua.dossiers.applicants import Applicant
from motcua.dossiers.demo_history import PDF, PNG
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform_action, receive_dossier
from motcua.dossiers.vocabulary import Role
from motcua.organizations.models import Official, RoleAssignment
from motcua.workspace import auth, views_lists

CALLS = 200
HISTORIES = 40


def _client(user: Any) -> Client:
    """A signed-in official's browser session (force_login plus what the sign-in view records)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[auth.SESSION_EPOCH] = auth.epoch_of(user)
    session[auth.SESSION_STARTED] = timezone.now().timestamp()
    session.save()
    return client


def _leader(world: dossier_bench.Setup) -> Any:
    agency = world.agencies[0]
    user = get_user_model().objects.create_user(username="bench.lanhdao", password=None)
    official = Official.objects.create(user=user, full_name="Lãnh đạo thử nghiệm", agency=agency)
    RoleAssignment.objects.create(official=official, role=Role.DEPARTMENT_LEADER, agency=agency)
    return user


def _histories(world: dossier_bench.Setup, leader: Any, handler: Any) -> list[str]:
    """Dossiers received, transferred and assigned through the services (events, files, audit)."""
    agency = world.agencies[0]
    codes = []
    for i in range(HISTORIES):
        dossier = receive_dossier(
            procedure_code=dossier_bench.PROCEDURE_CODE,
            channel="counter",
            receiving_unit=agency,
            applicant=Applicant("citizen", f"Người nộp {i}", f"0389{i:08d}", "Thanh Hóa", "0912345678"),
            components=[Upload("to-khai.pdf", PDF, document_code="TK"), Upload("anh.png", PNG, document_code="ANH")],
            user=world.officer,
            accept=True,
        ).dossier
        perform_action(dossier, "transfer", world.officer, {"recipient": agency.code})
        perform_action(dossier, "assign", leader, {"assignee": handler.get_username()})
        codes.append(dossier.code)
    return codes


def _explain_slowest(captured: list[dict[str, str]], label: str, log: Any) -> None:
    """The plan of the request's slowest SELECT, so a number that misses the target says why."""
    selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    if not selects or connection.vendor != "postgresql":
        return
    slowest = max(selects, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(str(row[0]) for row in cursor.fetchall())
    log(f"{label}: slowest query {float(slowest['time']) * 1000:.1f} ms\n{slowest['sql'][:300]}\n{plan}")


def _measure(client: Client, label: str, size: str, urls: list[str], log: Any) -> BenchResult:
    def call(i: int) -> None:
        response = client.get(urls[i % len(urls)])
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)

    with CaptureQueriesContext(connection) as captured:
        call(0)
    queries = len(captured.captured_queries)
    log(f"{label}: {queries} queries per request")
    _explain_slowest(captured.captured_queries, label, log)
    samples = latencies_ms(call, CALLS)
    return BenchResult(
        label,
        size,
        p50_ms=round(percentile(samples, 50), 2),
        p95_ms=round(percentile(samples, 95), 2),
        target="p95 <= 100 ms",
        note=f"{CALLS} GET through the test client, {queries} queries",
    )


def run(log: Any = None) -> list[BenchResult]:
    log = log or (lambda line: sys.stderr.write(line + "\n"))
    world = dossier_bench.setup()
    now = timezone.now()
    count = dossier_bench.table_size()
    took = dossier_bench.generate_table(world, count, now)
    log(f"generated {count:,} dossiers in bulk in {took:.1f} s")
    handler, _agency = world.handlers[0]
    leader = _leader(world)
    codes = _histories(world, leader, handler)
    with connection.cursor() as cursor:
        # A live table has been vacuumed (visibility map: index-only scans) and analysed; without
        # this, autovacuum of the freshly loaded million rows runs during the measurements.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    size = f"{Dossier.objects.count():,} dossiers, {len(world.agencies)} agencies"
    handler_client, leader_client = _client(handler), _client(leader)
    views_lists.COUNTS_SECONDS = 0  # measure the counting itself, not the 30-second reuse
    due = (now + timedelta(days=2)).date().isoformat()
    return [
        _measure(handler_client, "worklist /can-bo/ 'việc của tôi'", size, ["/can-bo/?tab=mine"], log),
        _measure(
            handler_client,
            "worklist /can-bo/ by status (in_process)",
            size,
            ["/can-bo/?tab=all&status=in_process"],
            log,
        ),
        _measure(handler_client, "worklist /can-bo/ overdue", size, ["/can-bo/?tab=overdue"], log),
        _measure(handler_client, "tab counters /can-bo/dem/ (7 counts, capped at 1000)", size, ["/can-bo/dem/"], log),
        _measure(handler_client, "worklist /can-bo/ received up to a date", size, [f"/can-bo/?tab=all&to={due}"], log),
        _measure(
            leader_client,
            "dossier page /can-bo/ho-so/<code>/ (leader)",
            size,
            [f"/can-bo/ho-so/{c}/" for c in codes],
            log,
        ),
        _measure(leader_client, "leader view /can-bo/lanh-dao/", size, ["/can-bo/lanh-dao/"], log),
    ]

"""Dossier benchmarks for `motcua bench`: intake throughput, the "due soon" worklist, worker memory.

Runs inside the scratch database that `motcua bench` creates. Intake goes through the real
service and the real HTTP API. The large worklist table is benchmark data only: rows are written
straight into the table in bulk (COPY on PostgreSQL, executemany elsewhere: no events, no audit
records), which real code must never do; only the query's shape and the table's size matter here.
`MOTCUA_BENCH_DOSSIERS` sets its size (default 1,000,000 on PostgreSQL, 100,000 on SQLite).
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import random
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog import versioning
from motcua.catalog.models import Procedure, ProcedureVersion, RequiredDocument, Sector
from motcua.core.bench import BenchResult, latencies_ms, percentile, throughput
from motcua.dossiers.applicants import Applicant
from motcua.dossiers.demo_history import PDF, PNG
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.queries import DossierFilters, list_dossiers
from motcua.dossiers.services import receive_dossier
from motcua.dossiers.vocabulary import Role
from motcua.organizations.models import Agency, AgencyKind, AgencyLevel, Official, RoleAssignment

SERVICE_INTAKES = 300
PARALLEL_INTAKES = 400
API_INTAKES = 200
WORKLIST_CALLS = 200
LIST_REQUESTS = 200
AGENCIES = 20
HANDLERS_PER_AGENCY = 10
PROCEDURE_CODE = "9.980001"


@dataclass
class Setup:
    agencies: list[Agency]
    version: ProcedureVersion
    officer: Any
    handlers: list[Any]  # (user, agency) pairs


def _user(username: str, agency: Agency, roles: list[str]) -> Any:
    user = get_user_model().objects.create_user(username=username, password=None)
    official = Official.objects.create(user=user, full_name=f"Cán bộ {username}", agency=agency)
    for role in roles:
        RoleAssignment.objects.create(official=official, role=role, agency=agency)
    return user


def _handlers(agencies: list[Agency]) -> list[tuple[Any, Agency]]:
    """HANDLERS_PER_AGENCY handlers per agency, written in bulk (benchmark data)."""
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"bench.cv{a}.{h}", password="!")  # noqa: S106 - unusable password
            for a in range(len(agencies))
            for h in range(HANDLERS_PER_AGENCY)
        ]
    )
    owners = [agencies[i // HANDLERS_PER_AGENCY] for i in range(len(users))]
    officials = Official.objects.bulk_create(
        [Official(user=u, full_name=f"Chuyên viên {u.username}", agency=a) for u, a in zip(users, owners, strict=True)]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(official=o, role=Role.HANDLER, agency=o.agency) for o in officials]
    )
    return list(zip(users, owners, strict=True))


def setup() -> Setup:
    agencies = [
        Agency.objects.create(
            code=f"000.00.{i:02d}.H98",
            name=f"Sở thử nghiệm số {i}",
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.PROVINCE,
        )
        for i in range(1, AGENCIES + 1)
    ]
    sector, _ = Sector.objects.get_or_create(code="H98-TP", defaults={"field_code": "TP", "name": "Tư pháp"})
    procedure = Procedure.objects.create(procedure_code=PROCEDURE_CODE, name="Cấp Phiếu lý lịch tư pháp")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name=procedure.name,
        sector=sector,
        levels=["province"],
        channels=["counter", "online"],
        service_mode="online_partial",
        time_limit_days=Decimal(10),
        valid_from=date(2025, 1, 1),
    )
    version.agencies.add(*agencies)
    RequiredDocument.objects.create(version=version, code="TK", name="Tờ khai", originals=1)
    RequiredDocument.objects.create(version=version, code="ANH", name="Ảnh chân dung", originals=1, order=1)
    versioning.publish(version)
    officer = _user("bench.motcua", agencies[0], [Role.INTAKE_OFFICER])
    # The same officer may receive at every unit, so parallel intake can spread over counters.
    official = officer.official
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(official=official, role=Role.INTAKE_OFFICER, agency=a) for a in agencies[1:]]
    )
    return Setup(agencies, version, officer, _handlers(agencies))


# --- (i) intake throughput ---------------------------------------------------------------------
def _applicant(i: int) -> Applicant:
    return Applicant("citizen", f"Người nộp {i}", f"0381{i:08d}", "Thanh Hóa", "0912345678")


def _components() -> list[Upload]:
    return [Upload("to-khai.pdf", PDF, document_code="TK"), Upload("anh.png", PNG, document_code="ANH")]


def bench_intake_service(world: Setup) -> BenchResult:
    unit = world.agencies[0]

    def call(i: int) -> object:
        return receive_dossier(
            procedure_code=PROCEDURE_CODE,
            channel="counter",
            receiving_unit=unit,
            applicant=_applicant(i),
            components=_components(),
            user=world.officer,
            accept=True,
        )

    call(SERVICE_INTAKES)  # warm caches (calendar, procedure)
    rate = throughput(call, SERVICE_INTAKES)
    return BenchResult(
        "dossier intake (receive_dossier, accept)",
        f"{SERVICE_INTAKES} dossiers, 2 files each",
        throughput_per_s=round(rate, 1),
        target=">= 200/s",
        note="counter intake: code, files, submit + accept events, audit",
    )


def _parallel_intakes(job: tuple[int, int, int, int]) -> tuple[float, float]:
    """One forked process receiving `count` dossiers at one unit; returns its (start, end) clock."""
    unit_pk, officer_pk, first, count = job
    connections.close_all()  # never share the parent's connection with a forked child
    unit = Agency.objects.get(pk=unit_pk)
    officer = get_user_model().objects.get(pk=officer_pk)

    def call(i: int) -> object:
        return receive_dossier(
            procedure_code=PROCEDURE_CODE,
            channel="counter",
            receiving_unit=unit,
            applicant=_applicant(i),
            components=_components(),
            user=officer,
            accept=True,
        )

    call(first - 1)  # warm this process's caches
    started = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    for i in range(first, first + count):
        call(i)
    finished = time.perf_counter()
    connections.close_all()
    return started, finished


def bench_intake_parallel(world: Setup, processes: int) -> BenchResult | None:
    """Intake throughput of several processes at once, each at its own counter (PostgreSQL only:
    the in-memory SQLite scratch database cannot be shared between processes)."""
    if connection.vendor != "postgresql":
        return None
    per = PARALLEL_INTAKES // processes
    jobs = [(world.agencies[k + 1].pk, world.officer.pk, 100_000 * (k + 1), per) for k in range(processes)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        spans = pool.map(_parallel_intakes, jobs)
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return BenchResult(
        f"dossier intake, {processes} processes in parallel",
        f"{per * processes} dossiers at {processes} counters, 2 files each",
        throughput_per_s=round(per * processes / elapsed, 1),
        target=">= 200/s",
        note="receive_dossier + accept; forked processes, one connection each",
    )


def _intake_body(i: int) -> dict[str, Any]:
    files = [("to-khai.pdf", PDF, "TK"), ("anh.png", PNG, "ANH")]
    return {
        "procedure_code": PROCEDURE_CODE,
        "channel": "counter",
        "receiving_unit": "000.00.01.H98",
        "applicant": {"type": "citizen", "name": f"Người nộp {i}", "id_number": f"0382{i:08d}"},
        "components": [
            {"filename": name, "content_base64": base64.b64encode(data).decode(), "document_code": code}
            for name, data, code in files
        ],
        "accept": True,
    }


def bench_intake_api(world: Setup, client: Client) -> BenchResult:
    def call(i: int) -> object:
        response = client.post("/api/v1/dossiers", _intake_body(i), content_type="application/json")
        assert response.status_code == 201, response.content[:500]
        return response

    call(API_INTAKES)
    rate = throughput(call, API_INTAKES)
    return BenchResult(
        "dossier intake (POST /api/v1/dossiers)",
        f"{API_INTAKES} dossiers, 2 files each",
        throughput_per_s=round(rate, 1),
        target=">= 100/s",
        note="session login of an intake officer; Django test client, one process",
    )


# --- (ii) the "my dossiers due soon" worklist on a large table ---------------------------------
def table_size() -> int:
    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    return int(os.environ.get("MOTCUA_BENCH_DOSSIERS", default))


def _values(i: int, rng: random.Random, world: Setup, now: datetime) -> dict[str, Any]:
    """One dossier of a three-year history: old ones mostly returned, recent ones mostly open."""
    user, agency = world.handlers[rng.randrange(len(world.handlers))]
    received = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    due = received + timedelta(days=rng.randint(1, 30))
    recent = now - received < timedelta(days=45)
    weights = (70, 8, 12, 10, 0) if recent else (1, 0, 1, 95, 3)
    status = rng.choices(("in_process", "supplement_requested", "resolved", "returned", "withdrawn"), weights)[0]
    finished = None
    if status in ("resolved", "returned"):
        finished = min(now, received + (due - received) * rng.random() * 1.1)
    return {
        "code": f"{agency.code}-B{i:08d}",
        "procedure_version_id": world.version.pk,
        "receiving_unit_id": agency.pk,
        "competent_agency_id": agency.pk,
        "channel": rng.choice(("counter", "online")),
        "applicant_name": f"Người nộp {i}",
        "applicant_id_number": f"0383{i:08d}",
        "submitted_at": received,
        "received_at": received,
        "accepted_at": received,
        "status": status,
        "substate": "assigned" if status == "in_process" else "",
        "assignee_id": user.pk,
        "due_at": due,
        "original_due_at": due,
        "finished_at": finished,
        "returned_at": finished if status == "returned" else None,
        "result_kind": "approval" if finished else "",
        "timeliness": ("early" if finished < due else "late") if finished else "",
    }


def _column_defaults(now: datetime) -> dict[str, Any]:
    """Every other column at its model default, ready for the database (fields added later included)."""
    constant: dict[str, Any] = {"regime": "nd118_2025", "applicant_type": "citizen", "version": 5, "created_at": now}
    for model_field in Dossier._meta.concrete_fields:
        if model_field.attname not in constant and not model_field.primary_key:
            default = model_field.get_default() if model_field.has_default() or not model_field.null else None
            constant[model_field.attname] = model_field.get_db_prep_save(default, connection)
    return constant


def _write(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL; executemany elsewhere (bulk_create spends ~0.4 ms a row compiling SQL)."""
    table = Dossier._meta.db_table
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - our names


def generate_table(world: Setup, count: int, now: datetime, seed: int = 2026) -> float:
    """Write `count` dossiers in batches straight into the table (benchmark data); return the seconds."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not secrets
    started = time.perf_counter()
    constant = _column_defaults(now)
    columns = list(constant)
    dates = {f.attname for f in Dossier._meta.concrete_fields if f.get_internal_type() == "DateTimeField"}
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor != "postgresql" else None
    for first in range(0, count, 10_000):
        rows = []
        for i in range(first, min(count, first + 10_000)):
            values = {**constant, **_values(i, rng, world, now)}
            if adapt is not None:
                values.update({name: adapt(values[name]) for name in dates if values[name] is not None})
            rows.append(tuple(values[name] for name in columns))
        _write(columns, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a live database would have them
    return time.perf_counter() - started


def _explain(call: Any) -> str:
    """The plan of the worklist query as the database runs it (the last SELECT of one call)."""
    with CaptureQueriesContext(connection) as captured:
        call(0)
    sql = captured.captured_queries[-1]["sql"]
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" | ".join(str(col) for col in row) for row in cursor.fetchall())


def _worklist(world: Setup, now: datetime, status: str | None) -> Any:
    def call(i: int) -> object:
        user, _agency = world.handlers[(i * 7) % len(world.handlers)]
        filters = DossierFilters(
            assignee=user.get_username(), due_before=now + timedelta(days=2), status=status, order="due"
        )
        return list_dossiers(user, filters, limit=50, now=now)

    return call


def _measure_worklists(world: Setup, now: datetime, size: str, label: str, log: Any) -> list[BenchResult]:
    results = []
    for status in (None, "in_process"):
        call = _worklist(world, now, status)
        samples = latencies_ms(call, WORKLIST_CALLS)
        shape = "assignee + due_before" + (f" + status={status}" if status else "")
        log(f"EXPLAIN ({shape}, {label}):\n{_explain(call)}")
        results.append(
            BenchResult(
                f"worklist due soon ({shape}, order due), {label}",
                size,
                p50_ms=round(percentile(samples, 50), 2),
                p95_ms=round(percentile(samples, 95), 2),
                target="p95 <= 50 ms",
                note=f"list_dossiers, {WORKLIST_CALLS} calls over {len(world.handlers)} assignees, limit 50",
            )
        )
    return results


def bench_worklist(world: Setup, log: Any) -> list[BenchResult]:
    now = timezone.now()
    count = table_size()
    took = generate_table(world, count, now)
    size = f"{Dossier.objects.count():,} dossiers, {len(world.handlers)} assignees"
    log(f"generated {count:,} dossiers in bulk in {took:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dossiers_dossier")  # fresh statistics after the bulk load
    return _measure_worklists(world, now, size, "with index dossier_assignee_status_due", log)


# --- (iii) memory of a web worker --------------------------------------------------------------
def _rss_mb() -> tuple[float, float]:
    """(peak, current) resident set size of this process in MB (Linux: ru_maxrss is in KB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        current = float("nan")
    return peak, current


def bench_worker_memory(client: Client) -> BenchResult:
    due = (timezone.now() + timedelta(days=2)).isoformat()
    for i in range(LIST_REQUESTS):
        params = {"due_before": due, "order": "due"} if i % 2 else {"order": "received"}
        response = client.get("/api/v1/dossiers", params)
        assert response.status_code == 200, response.content[:300]
    peak, current = _rss_mb()
    return BenchResult(
        "web worker RSS after 200 POST + 200 GET /api/v1/dossiers",
        f"{Dossier.objects.count():,} dossiers",
        peak_mem_mb=round(peak, 1),
        note=f"ru_maxrss so far (earlier suites included, before the big table); current RSS {current:.1f} MB",
    )


def bench_list_allocations(world: Setup) -> BenchResult:
    user, _agency = world.handlers[0]
    client = Client()
    client.force_login(user)
    params = {"assignee": user.get_username(), "due_before": (timezone.now() + timedelta(days=2)).isoformat()}
    client.get("/api/v1/dossiers", params)  # warm
    tracemalloc.start()
    response = client.get("/api/v1/dossiers", params)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    return BenchResult(
        "one worklist request (GET /api/v1/dossiers, 50 items): Python allocations",
        f"{Dossier.objects.count():,} dossiers",
        peak_mem_mb=round(peak / 2**20, 2),
        note="tracemalloc peak during the request",
    )


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def run(log: Any = _stderr) -> list[BenchResult]:
    """All dossier benchmarks; `log` receives the generation time and the EXPLAIN plans."""
    world = setup()
    results = [bench_intake_service(world)]
    for processes in (2, 4):
        parallel = bench_intake_parallel(world, processes)
        if parallel is not None:
            results.append(parallel)
    client = Client()
    client.force_login(world.officer)
    results.append(bench_intake_api(world, client))
    results.append(bench_worker_memory(client))
    results.extend(bench_worklist(world, log))
    results.append(bench_list_allocations(world))
    return results

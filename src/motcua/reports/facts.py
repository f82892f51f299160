"""Report facts derived from a dossier's events (RPT-PER-02/06, OS-STATE, OS-LATE, OS-SUPP).

`derive` is a pure fold over one dossier's events (in `seq` order): it returns one `Part` for the
dossier at its competent agency (part 0, from acceptance to the first resolve / withdraw / stop)
and one for each inter-agency part (from hand-over to hand-back, resolve, withdraw or stop).

"At a cut-off T" always means after every event strictly before T, so a period [S, E) owns the
events with S <= occurred_at < E and the next period starts where this one ends (B(n+1) = E(n)).
Between two events the state is constant for T in (t_i, t_{i+1}]; a part is overdue there when it is
unfinished, its clock runs (not waiting for a supplement or a payment) and its due time is before T,
which gives the spans (max(t_i, due), t_{i+1}].

`refresh_dossier` writes the facts of one dossier; it runs in the transaction of every new event
(a `post_save` receiver on `DossierEvent`, connected in `apps.py`), so the facts can never lag.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from motcua.calendar.services import time_zone
from motcua.dossiers.timeliness import kpi_on_time
from motcua.reports.models import COUNTS, EndKind, FlowByAgency, FlowByProcedure, ReportFact, ReportSpan, SpanKind

PAUSED = frozenset({"supplement_requested", "awaiting_payment"})
ENDS = {"withdrawn": EndKind.WITHDRAWN.value, "stopped": EndKind.STOPPED.value}
MAIN = 0


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass
class Part:
    """One dossier at one agency, as the events tell it."""

    part_seq: int
    agency_id: int | None  # None: the competent agency (filled in by the caller)
    accepted_at: datetime
    due_at: datetime | None = None
    finished_at: datetime | None = None
    end_kind: str = ""
    verdict: str = ""
    late_with_apology: bool = False
    refusal: bool = False
    supplement_count: int = 0
    kpi_on_time: bool | None = None
    spans: list[tuple[str, datetime, datetime | None]] = field(default_factory=list)
    first: int = 0  # index of the opening event
    last: int | None = None  # index of the closing event


@dataclass
class Moment:
    """The state after event number `index`."""

    at: datetime
    state: str
    due_at: datetime | None


def _add_span(spans: list[tuple[str, datetime, datetime | None]], kind: str, lo: datetime, hi: datetime | None) -> None:
    if hi is not None and lo >= hi:
        return
    for i in range(len(spans) - 1, -1, -1):  # merge with the previous span of the same kind when they touch
        if spans[i][0] == kind:
            if spans[i][2] is not None and spans[i][2] == lo:
                spans[i] = (kind, spans[i][1], hi)
                return
            break
    spans.append((kind, lo, hi))


def _spans(part: Part, moments: Sequence[Moment], *, own_due: bool) -> None:
    end = part.last if part.last is not None else len(moments)
    for i in range(part.first, end):
        moment = moments[i]
        hi = moments[i + 1].at if i + 1 < len(moments) else None
        if part.last is not None and i + 1 == part.last:
            hi = moments[part.last].at
        if moment.state == "supplement_requested":
            _add_span(part.spans, SpanKind.SUPPLEMENT.value, moment.at, hi)
        due = moment.due_at if own_due else part.due_at
        if moment.state not in PAUSED and due is not None:
            _add_span(part.spans, SpanKind.OVERDUE.value, max(moment.at, due), hi)


def _close_main(main: Part, event: Any, index: int, rescheduled: datetime | None) -> None:
    main.finished_at, main.last = event.occurred_at, index
    if event.action == "resolve":
        changed = (event.payload or {}).get("set", {})
        main.end_kind = EndKind.RESOLVED.value
        main.verdict = str(changed.get("timeliness") or "on_time")  # no due time: on time (RPT-PER-02)
        main.late_with_apology = main.verdict == "late" and rescheduled is not None
        main.refusal = ((event.payload or {}).get("inputs") or {}).get("result_kind") == "refusal"
    else:
        main.end_kind = ENDS[event.to_state]


def _part_ops(parts: list[Part], event: Any, index: int) -> None:
    ops = (event.payload or {}).get("parts") or {}
    close, opened = ops.get("close"), ops.get("open")
    if close:
        for part in parts:
            if part.part_seq != MAIN and part.last is None and part.agency_id == close["agency_id"]:
                part.finished_at, part.last = _when(close["finished_at"]), index
                part.verdict = str(close.get("verdict") or "on_time")
                part.end_kind = ENDS.get(event.to_state, EndKind.RESOLVED.value)
                part.refusal = ((event.payload or {}).get("inputs") or {}).get("result_kind") == "refusal"
    if opened:
        started = _when(opened["started_at"])
        assert started is not None
        parts.append(Part(event.seq, opened["agency_id"], started, _when(opened.get("due_at")), first=index))


def derive(events: Iterable[Any]) -> list[Part]:
    """The parts of one dossier from its events (any objects with seq, action, to_state,
    occurred_at and payload), oldest first; empty while it has not been accepted."""
    moments: list[Moment] = []
    parts: list[Part] = []
    main: Part | None = None
    due: datetime | None = None
    rescheduled: datetime | None = None
    supplements = 0
    for index, event in enumerate(sorted(events, key=lambda e: e.seq)):
        changed: Mapping[str, Any] = (event.payload or {}).get("set", {})
        if "due_at" in changed:
            due = _when(changed["due_at"])
        if "rescheduled_due_at" in changed:
            rescheduled = _when(changed["rescheduled_due_at"])
        if event.action == "request_supplement":
            supplements += 1
        if event.action == "accept" and main is None:
            main = Part(MAIN, None, event.occurred_at, due, first=index)
            parts.append(main)
        elif main is not None and main.last is None and (event.action == "resolve" or event.to_state in ENDS):
            _close_main(main, event, index, rescheduled)
        _part_ops(parts, event, index)
        moments.append(Moment(event.occurred_at, event.to_state, due))
    for part in parts:
        part.supplement_count = supplements
        _spans(part, moments, own_due=part.part_seq == MAIN)
        part.kpi_on_time = _kpi(part)
    return parts


def _kpi(part: Part) -> bool | None:
    """QĐ 766 index 2.1 (RPT-766-04): more than one supplement request is late; otherwise the time
    spent waiting for supplements (wall-clock, from the spans) is taken off before comparing the
    finish with the appointment given at acceptance. No appointment: on time."""
    if part.finished_at is None:
        return None
    if part.due_at is None:
        return part.supplement_count <= 1
    waits = [hi - lo for kind, lo, hi in part.spans if kind == SpanKind.SUPPLEMENT.value and hi is not None]
    return kpi_on_time(
        part.finished_at, part.due_at, supplement_count=part.supplement_count, supplement_intervals=waits
    )


# --- storage ------------------------------------------------------------------------------------------
FACT_FIELDS = (
    "agency_id",
    "level",
    "procedure_id",
    "sector_id",
    "channel",
    "service_mode",
    "accepted_at",
    "due_at",
    "finished_at",
    "end_kind",
    "verdict",
    "late_with_apology",
    "refusal",
    "supplement_count",
    "kpi_on_time",
    "overdue_from",
    "duration_class",
    "spans_key",
)
MAX_CLASS = 20  # 2**20 hours is about 120 years: the last class has no lower bound (stock.py)


def duration_class(accepted_at: datetime, finished_at: datetime | None) -> int | None:
    """Smallest k >= 0 with finished - accepted <= 2**k hours (capped at MAX_CLASS)."""
    if finished_at is None:
        return None
    seconds = max(0.0, (finished_at - accepted_at).total_seconds())
    k = max(0, math.ceil(math.log2(seconds / 3600))) if seconds > 3600 else 0
    while k > 0 and seconds <= 2 ** (k - 1) * 3600:  # float rounding, both ways
        k -= 1
    while seconds > 2**k * 3600:
        k += 1
    return min(k, MAX_CLASS)


def _key(spans: list[tuple[str, datetime, datetime | None]]) -> str:
    return json.dumps([[k, lo.isoformat(), hi.isoformat() if hi else None] for k, lo, hi in spans])


def rows_for(dossier: Any, parts: list[Part], levels: Mapping[int, str]) -> dict[int, dict[str, Any]]:
    """Column values of each fact row of `dossier`, by part_seq."""
    version = dossier.procedure_version
    rows: dict[int, dict[str, Any]] = {}
    for part in parts:
        agency_id = part.agency_id if part.agency_id is not None else dossier.competent_agency_id
        overdue = [lo for kind, lo, _hi in part.spans if kind == SpanKind.OVERDUE.value]
        rows[part.part_seq] = {
            "agency_id": agency_id,
            "level": levels.get(agency_id, ""),
            "procedure_id": version.procedure_id,
            "sector_id": version.sector_id,
            "channel": dossier.channel,
            "service_mode": version.service_mode,
            "accepted_at": part.accepted_at,
            "due_at": part.due_at,
            "finished_at": part.finished_at,
            "end_kind": part.end_kind,
            "verdict": part.verdict,
            "late_with_apology": part.late_with_apology,
            "refusal": part.refusal,
            "supplement_count": part.supplement_count,
            "kpi_on_time": part.kpi_on_time,
            "overdue_from": min(overdue) if overdue else None,
            "duration_class": duration_class(part.accepted_at, part.finished_at),
            "spans_key": _key(part.spans),
        }
    return rows


def _levels(dossier: Any, parts: list[Part]) -> dict[int, str]:
    from motcua.organizations.models import Agency

    levels = {dossier.competent_agency_id: dossier.competent_agency.level}
    others = {p.agency_id for p in parts if p.agency_id is not None} - set(levels)
    if others:
        levels.update(Agency.objects.filter(pk__in=others).values_list("pk", "level"))
    return levels


def _write_spans(fact_id: int, spans_key: str, *, new: bool = False) -> None:
    if not new:
        ReportSpan.objects.filter(fact_id=fact_id).delete()
    ReportSpan.objects.bulk_create(
        ReportSpan(fact_id=fact_id, kind=kind, lo=_when(lo), hi=_when(hi)) for kind, lo, hi in json.loads(spans_key)
    )


# --- flows: the same facts counted per day and month ------------------------------------------------
AGENCY_KEY = ("grain", "day", "agency_id", "level", "channel", "is_part")
PROCEDURE_KEY = ("grain", "day", "procedure_id", "sector_id", "channel")
FlowItem = tuple[str, tuple[Any, ...], str]  # (table, key values, count column)


ONLINE_MODES = ("online_full", "online_partial")


def flow_channel(channel: str, service_mode: str) -> str:
    """The flow tables' channel key: the intake channel, with an online dossier split by its
    procedure's online level (toàn trình / một phần; RPT-PER-05)."""
    return service_mode if channel == "online" and service_mode in ONLINE_MODES else channel


def flow_items(seq: int, values: Mapping[str, Any]) -> list[FlowItem]:
    """What one fact adds to the flow tables: "new" on its acceptance day and its end counts on
    its finishing day, each at day, month and year grain; per procedure only for part 0."""
    tz = time_zone()
    moments = [(values["accepted_at"], ["new"])]
    kind = values["end_kind"]
    if values["finished_at"] is not None and kind:
        names = [kind]
        if kind == EndKind.RESOLVED:
            names.append(values["verdict"])
            names += ["late_with_apology"] if values["late_with_apology"] else []
            names += ["refusal"] if values["refusal"] else []
        moments.append((values["finished_at"], names))
    items: list[FlowItem] = []
    channel = flow_channel(values["channel"], values.get("service_mode") or "")
    for moment, names in moments:
        day = moment.astimezone(tz).date()
        for grain, first in (("d", day), ("m", day.replace(day=1)), ("y", day.replace(month=1, day=1))):
            agency = (grain, first, values["agency_id"], values["level"], channel, seq != MAIN)
            procedure = (grain, first, values["procedure_id"], values["sector_id"] or 0, channel)
            for name in names:
                items.append((FlowByAgency._meta.db_table, agency, name))
                if seq == MAIN:
                    items.append((FlowByProcedure._meta.db_table, procedure, name))
    return items


def _upsert_sql(table: str, rows: Sequence[tuple[tuple[Any, ...], Mapping[str, int]]]) -> tuple[str, list[Any]]:
    """INSERT ... ON CONFLICT DO UPDATE adding the counts to the rows of `table` with these keys."""
    names = AGENCY_KEY if table == FlowByAgency._meta.db_table else PROCEDURE_KEY
    quote = connection.ops.quote_name
    columns = [*names, *COUNTS]
    values: list[Any] = []
    for key, deltas in rows:
        values += [*key, *(deltas.get(name, 0) for name in COUNTS)]
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{quote(n)} = {quote(table)}.{quote(n)} + excluded.{quote(n)}" for n in COUNTS)
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - our own names
        f"VALUES {', '.join([row_marks] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(n) for n in names)}) DO UPDATE SET {updates}"
    )
    return sql, values


def _write_flows(items: Counter[FlowItem]) -> None:
    """Add the counts to the flow rows: one statement per table and 200 keys, or on PostgreSQL one
    statement for both tables when they fit (a data-modifying WITH), always agency table first."""
    grouped: dict[str, dict[tuple[Any, ...], dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (table, key, name), amount in items.items():
        if amount:
            grouped[table][key][name] = amount
    statements: list[tuple[str, list[Any]]] = []
    for table in sorted(grouped):  # one lock order for every writer
        keys = sorted(grouped[table].items(), key=lambda item: repr(item[0]))
        for first in range(0, len(keys), 200):
            statements.append(_upsert_sql(table, keys[first : first + 200]))
    if connection.vendor == "postgresql" and len(statements) == 2:
        (first_sql, first_values), (second_sql, second_values) = statements
        statements = [(f"WITH first_table AS ({first_sql}) {second_sql}", first_values + second_values)]
    with connection.cursor() as cursor:
        for sql, values in statements:
            cursor.execute(sql, values)


def apply_flow_delta(old: Mapping[int, Mapping[str, Any]], new: Mapping[int, Mapping[str, Any]]) -> None:
    """Move the flow counts from the `old` fact values to the `new` ones (by part_seq)."""
    delta: Counter[FlowItem] = Counter()
    for seq, values in new.items():
        delta.update(flow_items(seq, values))
    for seq, values in old.items():
        delta.subtract(flow_items(seq, values))
    _write_flows(delta)


def _insert_fact(dossier_id: int, seq: int, values: Mapping[str, Any]) -> None:
    """A new fact row and its spans: on PostgreSQL one statement (the spans take the fact's id from
    a data-modifying WITH), elsewhere one for the fact and one for the spans."""
    spans = json.loads(values["spans_key"])
    if connection.vendor != "postgresql" or not spans:
        fact = ReportFact.objects.create(dossier_id=dossier_id, part_seq=seq, **values)
        if spans:
            _write_spans(fact.pk, values["spans_key"], new=True)
        return
    fields = [ReportFact._meta.get_field(name) for name in ("dossier", "part_seq", *FACT_FIELDS)]
    raw = [dossier_id, seq, *(values[name] for name in FACT_FIELDS)]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, raw, strict=True)]
    quote = connection.ops.quote_name
    fact_table, span_table = quote(ReportFact._meta.db_table), quote(ReportSpan._meta.db_table)
    span_rows = ", ".join(["(%s, %s::timestamptz, %s::timestamptz)"] * len(spans))
    sql = (
        f"WITH fact AS (INSERT INTO {fact_table} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id) "
        f"INSERT INTO {span_table} (fact_id, kind, lo, hi) "
        f"SELECT fact.id, span.kind, span.lo, span.hi FROM fact, (VALUES {span_rows}) AS span (kind, lo, hi)"
    )
    for kind, lo, hi in spans:
        params += [kind, lo, hi]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh_dossier(dossier: Any, events: Iterable[Any] | None = None, *, opened_now: bool = False) -> None:
    """Bring the facts of `dossier` in line with its events (only changed rows are written).

    `opened_now`: the caller knows the dossier had no facts before (its newest event is its first
    acceptance), so they are not read."""
    from motcua.dossiers.models import DossierEvent

    if events is None:
        events = DossierEvent.objects.filter(dossier_id=dossier.pk).only(
            "dossier_id", "seq", "action", "to_state", "occurred_at", "payload"
        )
    events = sorted(events, key=lambda e: e.seq)
    parts = derive(events)
    opened_now = opened_now and len(parts) == 1 and parts[0].first == len(events) - 1
    wanted = rows_for(dossier, parts, _levels(dossier, parts)) if parts else {}
    with transaction.atomic(savepoint=False):  # inside the event's transaction: no savepoint needed
        existing = {} if opened_now else {f.part_seq: f for f in ReportFact.objects.filter(dossier_id=dossier.pk)}
        apply_flow_delta({seq: {n: getattr(f, n) for n in FACT_FIELDS} for seq, f in existing.items()}, wanted)
        for seq, fact in existing.items():
            if seq not in wanted:
                fact.delete()
        for seq, values in wanted.items():
            fact = existing.get(seq)
            if fact is None:
                _insert_fact(dossier.pk, seq, values)
                continue
            changed = {name: value for name, value in values.items() if getattr(fact, name) != value}
            if changed:
                ReportFact.objects.filter(pk=fact.pk).update(**changed)
                if "spans_key" in changed:
                    _write_spans(fact.pk, values["spans_key"])


# Actions whose event changes a fact even when the state stays the same (the fold in `derive`).
FOLDED_ACTIONS = frozenset({"accept", "resolve", "request_supplement"})


def changes_facts(event: Any) -> bool:
    """Whether `derive` can give other facts with this event than without it: a state change, a
    new due time, a part handed over or back, or an action the fold reads. Any other event (an
    assignment, a comment, a signature, a kind this code does not know) only repeats the state of
    the event before it, which leaves every part, verdict and span as it was (touching spans of one
    kind merge), so it needs no refresh."""
    if event.action in FOLDED_ACTIONS or event.from_state != event.to_state:
        return True
    payload = event.payload if isinstance(event.payload, dict) else {}
    changed = payload.get("set") or {}
    return bool(payload.get("parts")) or "due_at" in changed or "rescheduled_due_at" in changed


def on_event(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """`post_save` receiver: refresh the facts once the dossier has been accepted (before that it
    has none, so the submit and intake-supplement events cost nothing), and only for events that
    can change them (`changes_facts`)."""
    if not created or raw or not changes_facts(instance):
        return
    dossier = instance.dossier
    if instance.action == "accept" or dossier.accepted_at is not None:
        refresh_dossier(dossier, opened_now=instance.action == "accept")


def rebuild_all(batch: int = 500) -> int:
    """Recompute every dossier's facts from its events (after a restore or a rule change)."""
    from motcua.dossiers.models import Dossier

    count = 0
    queryset = Dossier.objects.select_related("procedure_version", "competent_agency").order_by("pk")
    with transaction.atomic():
        for dossier in queryset.iterator(chunk_size=batch):
            refresh_dossier(dossier)
            count += 1
        rebuild_flows()
    return count


def rebuild_flows() -> int:
    """Recount the flow tables from the facts (after `rebuild_all`, or if they are ever doubted)."""
    FlowByAgency.objects.all().delete()
    FlowByProcedure.objects.all().delete()
    total: Counter[FlowItem] = Counter()
    names = ("part_seq", *FACT_FIELDS)
    for row in ReportFact.objects.order_by("pk").values(*names).iterator(chunk_size=2000):
        total.update(flow_items(row["part_seq"], row))
    _write_flows(total)
    return len(total)

"""What folding the report facts costs a dossier transaction, and that the events it skips cannot
change them (RPT-PER-06: facts identical to a recount from the events; docs/decisions/0003)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import perform_action
from motcua.reports.facts import changes_facts, refresh_dossier
from motcua.reports.models import FlowByAgency, ReportFact, ReportSpan
from tests.dossiers.builders import MONDAY, counter_dossier, to_processing

pytestmark = pytest.mark.django_db


def _report_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "reports_" in q["sql"]]


def _snapshot():
    facts = list(ReportFact.objects.order_by("dossier_id", "part_seq").values())
    spans = list(ReportSpan.objects.order_by("fact_id", "kind", "lo").values("fact_id", "kind", "lo", "hi"))
    flows = list(FlowByAgency.objects.order_by("grain", "day", "agency_id", "channel").values())
    return facts, spans, flows


def test_rpt_per_06_accept_writes_facts_in_few_statements(world):
    counter_dossier(world)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        counter_dossier(world)
    written = _report_queries(captured.captured_queries)
    # PostgreSQL: both flow tables in one statement, the fact and its spans in one; elsewhere four.
    assert len(written) == (2 if connection.vendor == "postgresql" else 4), written
    assert not any(sql.lstrip().upper().startswith("SELECT") for sql in written)  # a new dossier: nothing to read


def test_rpt_per_06_events_that_change_no_fact_cost_no_query(world):
    dossier = to_processing(world, counter_dossier(world))
    before = _snapshot()
    with CaptureQueriesContext(connection) as captured:
        perform_action(dossier, "assign", world.leader, {"assignee": "chuyenvien.b"}, now=MONDAY + timedelta(hours=3))
    assert _report_queries(captured.captured_queries) == []
    assert _snapshot() == before


def test_rpt_per_06_unknown_event_kind_is_ignored_and_facts_stay_equal_to_the_recount(world):
    """The signing helper's "signature" events (no state change) and any kind this app does not
    know: no fold, and a full refresh from all the events gives the very same rows."""
    dossier = to_processing(world, counter_dossier(world))
    before = _snapshot()
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    with CaptureQueriesContext(connection) as captured:
        event = DossierEvent.objects.create(
            dossier=dossier,
            seq=last.seq + 1,
            occurred_at=last.occurred_at + timedelta(days=30),  # long after the due time
            actor_name="Ký số",
            role="leader",
            action="signature",
            from_state=last.to_state,
            to_state=last.to_state,
            payload={"document": "ket-qua.pdf", "set": {"assignee": None}},
        )
    assert not changes_facts(event)
    assert _report_queries(captured.captured_queries) == []
    assert _snapshot() == before
    refresh_dossier(dossier)  # the recount from every event, the new one included
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("action", "from_state", "to_state", "payload", "expected"),
    [
        ("signature", "in_process", "in_process", {}, False),
        ("assign", "in_process", "in_process", {"set": {"assignee": 3}}, False),
        ("comment", "in_process", "in_process", None, False),
        ("anything", "in_process", "supplement_requested", {}, True),
        ("apology", "in_process", "in_process", {"set": {"rescheduled_due_at": "2025-07-20T10:00:00+07:00"}}, True),
        ("extend", "in_process", "in_process", {"set": {"due_at": "2025-07-20T10:00:00+07:00"}}, True),
        ("transfer_out", "in_process", "in_process", {"parts": {"open": {"agency_id": 2}}}, True),
        ("resolve", "in_process", "in_process", {}, True),
        ("request_supplement", "in_process", "in_process", {}, True),
    ],
)
def test_rpt_per_06_which_events_are_folded(action, from_state, to_state, payload, expected):
    event = DossierEvent(action=action, from_state=from_state, to_state=to_state, payload=payload)
    assert changes_facts(event) is expected

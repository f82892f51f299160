"""Shared builders for the pure dossier state-machine tests (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from motcua.dossiers.states import DossierFacts, DossierState, Transition

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 7, 14, 9, 0, tzinfo=HCM)
DUE = NOW + timedelta(days=5)

# The state each resume guard expects the dossier to have been paused from.
PAUSED_FROM = {
    "paused_from_submitted": DossierState.SUBMITTED,
    "paused_from_accepted": DossierState.ACCEPTED,
    "paused_from_in_process": DossierState.IN_PROCESS,
    "paused_from_resolved": DossierState.RESOLVED,
}


def facts_for(row: Transition, **overrides) -> DossierFacts:
    """Facts under which `row`'s guard passes (and sibling rows' resume guards fail)."""
    values = {"now": NOW, "due_at": DUE, "paused_from": PAUSED_FROM.get(row.guard_name or "")}
    values.update(overrides)
    return DossierFacts(**values)


def full_inputs(
    facts: DossierFacts,
    *,
    result_kind: str = "approval",
    return_method: str = "online",
    substate: str = "appraising",
) -> dict[str, object]:
    """A valid value for every input any row may require."""
    base = max(facts.now, facts.due_at) if facts.due_at else facts.now
    return {
        "reason": "Thiếu bản sao có chứng thực",
        "comment": "Đề nghị xem lại",
        "items": ["Bản sao Căn cước công dân"],
        "new_due_at": base + timedelta(days=3),
        "result_kind": result_kind,
        "return_method": return_method,
        "collector": "Nguyễn Văn A",
        "recipient": "000.00.01.H56",
        "assignee": "handler-1",
        "step": "tham-dinh",
        "substate": substate,
        "fees": [{"code": "LP01", "amount": 50_000}],
        "payment_ref": "VNP-0001",
    }

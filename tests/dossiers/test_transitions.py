"""Table-driven tests of the dossier state machine (OS-STATE-02/03). Pure: no database."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from motcua.dossiers.states import (
    ALL_ROLES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    DossierFacts,
    DossierState,
    GuardRefused,
    IllegalTransition,
    InvalidInputs,
    MissingInputs,
    ProcessingSubstate,
    Role,
    allowed_actions,
    find_transition,
    next_state,
    substate_after,
    supplement_phase,
    validate_table,
)
from tests.dossiers.support import DUE, NOW, facts_for, full_inputs

S, A = DossierState, Action

# The reviewed shape of the table, written out independently: a change to TRANSITIONS must change this.
EXPECTED_EDGES = {
    (S.DRAFT, A.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, A.ACCEPT, S.ACCEPTED),
    (S.SUBMITTED, A.NOT_ACCEPT, S.NOT_ACCEPTED),
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED),
    (S.SUBMITTED, A.REQUEST_PAYMENT, S.AWAITING_PAYMENT),
    (S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN),
    (S.ACCEPTED, A.TRANSFER, S.IN_PROCESS),
    (S.ACCEPTED, A.REQUEST_PAYMENT, S.AWAITING_PAYMENT),
    (S.ACCEPTED, A.WITHDRAW, S.WITHDRAWN),
    (S.ACCEPTED, A.STOP, S.STOPPED),
    (S.IN_PROCESS, A.ASSIGN, S.IN_PROCESS),
    (S.IN_PROCESS, A.START_STEP, S.IN_PROCESS),
    (S.IN_PROCESS, A.COMPLETE_STEP, S.IN_PROCESS),
    (S.IN_PROCESS, A.SEND_BACK, S.IN_PROCESS),
    (S.IN_PROCESS, A.TRANSFER, S.IN_PROCESS),
    (S.IN_PROCESS, A.APOLOGIZE, S.IN_PROCESS),
    (S.IN_PROCESS, A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED),
    (S.IN_PROCESS, A.REQUEST_PAYMENT, S.AWAITING_PAYMENT),
    (S.IN_PROCESS, A.RESOLVE, S.RESOLVED),
    (S.IN_PROCESS, A.WITHDRAW, S.WITHDRAWN),
    (S.IN_PROCESS, A.STOP, S.STOPPED),
    (S.SUPPLEMENT_REQUESTED, A.RESUPPLY, S.SUBMITTED),
    (S.SUPPLEMENT_REQUESTED, A.RESUPPLY, S.IN_PROCESS),
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW, S.WITHDRAWN),
    (S.SUPPLEMENT_REQUESTED, A.STOP, S.STOPPED),
    (S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, S.SUBMITTED),
    (S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, S.ACCEPTED),
    (S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, S.IN_PROCESS),
    (S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, S.RESOLVED),
    (S.AWAITING_PAYMENT, A.WITHDRAW, S.WITHDRAWN),
    (S.AWAITING_PAYMENT, A.STOP, S.STOPPED),
    (S.RESOLVED, A.RETURN_RESULT, S.RETURNED),
    (S.RESOLVED, A.REQUEST_PAYMENT, S.AWAITING_PAYMENT),
}


def _row_id(row) -> str:
    return f"{row.source}-{row.action}-{row.target}"


def test_os_state_03_table_matches_reviewed_edges():
    edges = [(row.source, row.action, row.target) for row in TRANSITIONS]
    assert len(edges) == len(set(edges)), "duplicate rows"
    assert set(edges) == EXPECTED_EDGES
    validate_table(TRANSITIONS)


@pytest.mark.parametrize("row", TRANSITIONS, ids=_row_id)
def test_os_state_03_every_row_fires_for_each_of_its_roles(row):
    facts = facts_for(row)
    inputs = full_inputs(facts)
    for role in sorted(row.roles):
        assert find_transition(row.source, row.action, {role}, facts, inputs) is row
        assert next_state(row.source, row.action, {role}, facts, inputs) is row.target
        assert row.action in allowed_actions(row.source, {role}, facts)


@pytest.mark.parametrize("row", TRANSITIONS, ids=_row_id)
def test_os_state_03_missing_inputs_name_every_required_field(row):
    facts = facts_for(row)
    role = {sorted(row.roles)[0]}
    if not row.requires:
        assert next_state(row.source, row.action, role, facts, {}) is row.target
        return
    with pytest.raises(MissingInputs) as caught:
        next_state(row.source, row.action, role, facts, {})
    assert caught.value.missing == row.requires
    assert caught.value.status == 422
    for name in row.requires:
        for blank in (None, "  ", [], ()):
            inputs = full_inputs(facts) | {name: blank}
            with pytest.raises(MissingInputs) as one:
                next_state(row.source, row.action, role, facts, inputs)
            assert one.value.missing == (name,)


def test_os_proc_07_refusal_result_needs_written_reasons():
    facts = DossierFacts(now=NOW, due_at=DUE)
    inputs = {"result_kind": "refusal"}
    with pytest.raises(MissingInputs) as caught:
        next_state(S.IN_PROCESS, A.RESOLVE, {Role.AGENCY_LEADER}, facts, inputs)
    assert caught.value.missing == ("reason",)
    refused = inputs | {"reason": "Không đủ điều kiện"}
    assert next_state(S.IN_PROCESS, A.RESOLVE, {Role.AGENCY_LEADER}, facts, refused) is S.RESOLVED
    assert next_state(S.IN_PROCESS, A.RESOLVE, {Role.CLERK}, facts, {"result_kind": "approval"}) is S.RESOLVED


def test_os_ret_02_counter_return_records_the_collector():
    facts = DossierFacts(now=NOW)
    with pytest.raises(MissingInputs) as caught:
        next_state(S.RESOLVED, A.RETURN_RESULT, {Role.INTAKE_OFFICER}, facts, {"return_method": "counter"})
    assert caught.value.missing == ("collector",)
    for method in ("post", "online"):
        assert next_state(S.RESOLVED, A.RETURN_RESULT, {Role.SYSTEM}, facts, {"return_method": method}) is S.RETURNED


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        (A.RESOLVE, "result_kind", "maybe"),
        (A.START_STEP, "substate", "sleeping"),
        (A.APOLOGIZE, "new_due_at", datetime(2025, 7, 30, 17, 0)),  # naive
        (A.APOLOGIZE, "new_due_at", DUE - timedelta(hours=1)),  # earlier than the current due time
        (A.APOLOGIZE, "new_due_at", "2025-07-30"),
    ],
)
def test_os_state_03_invalid_input_values_are_rejected(action, field, value):
    facts = DossierFacts(now=NOW, due_at=DUE)
    inputs = full_inputs(facts) | {field: value}
    with pytest.raises(InvalidInputs) as caught:
        next_state(S.IN_PROCESS, action, {Role.AGENCY_LEADER}, facts, inputs)
    assert list(caught.value.invalid) == [field]
    assert caught.value.status == 422


def test_os_state_03_terminal_states_allow_nothing():
    assert {S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED, S.RETURNED} == TERMINAL_STATES
    assert not [row for row in TRANSITIONS if row.source in TERMINAL_STATES]
    for state in TERMINAL_STATES:
        for paused in (None, *S):
            facts = DossierFacts(now=NOW, due_at=DUE, paused_from=paused, override_reason="x")
            assert allowed_actions(state, ALL_ROLES, facts) == []


def test_os_state_02_every_state_reachable_and_non_terminal_states_have_exits():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        state = frontier.pop()
        for row in TRANSITIONS:
            if row.source is state and row.target not in reached:
                reached.add(row.target)
                frontier.append(row.target)
    assert reached == set(S)
    sources = {row.source for row in TRANSITIONS}
    assert sources == set(S) - TERMINAL_STATES


def test_os_state_03_illegal_actions_list_exactly_the_allowed_ones():
    facts = DossierFacts(now=NOW, due_at=DUE, paused_from=S.IN_PROCESS)
    for state in S:
        for action in A:
            for role in sorted(ALL_ROLES):
                if any(r.source is state and r.action is action and role in r.roles for r in TRANSITIONS):
                    continue
                with pytest.raises(IllegalTransition) as caught:
                    next_state(state, action, {role}, facts, full_inputs(facts))
                assert caught.value.allowed == allowed_actions(state, {role}, facts)
                assert caught.value.status == 409
                assert caught.value.message_vi.startswith("Không thể")


def test_os_state_03_roles_are_the_organizations_vocabulary():
    from motcua.organizations.models import Role as OrgRole

    assert set(OrgRole.values) | {Role.APPLICANT, Role.SYSTEM} == ALL_ROLES


def test_os_state_03_provincial_admin_cannot_move_dossiers():
    facts = DossierFacts(now=NOW, due_at=DUE, paused_from=S.IN_PROCESS)
    for state in S:
        assert allowed_actions(state, {Role.PROVINCIAL_ADMIN}, facts) == []


def test_os_state_03_applicant_may_only_submit_resupply_withdraw():
    applicant_actions = {row.action for row in TRANSITIONS if Role.APPLICANT in row.roles}
    assert applicant_actions == {A.SUBMIT, A.RESUPPLY, A.WITHDRAW}


def test_os_late_01_02_apology_once_and_before_due():
    leader = {Role.AGENCY_LEADER}
    ok = DossierFacts(now=NOW, due_at=DUE)
    assert next_state(S.IN_PROCESS, A.APOLOGIZE, leader, ok, full_inputs(ok)) is S.IN_PROCESS
    cases = [
        ("apology_already_issued", DossierFacts(now=NOW, due_at=DUE, apology_count=1)),
        ("apology_after_due", DossierFacts(now=DUE, due_at=DUE)),
        ("no_running_due_time", DossierFacts(now=NOW, due_at=None)),
        ("no_running_due_time", DossierFacts(now=NOW, due_at=DUE, clock_stopped=True)),
    ]
    for expected, facts in cases:
        assert A.APOLOGIZE not in allowed_actions(S.IN_PROCESS, leader, facts)
        with pytest.raises(GuardRefused) as caught:
            next_state(S.IN_PROCESS, A.APOLOGIZE, leader, facts, full_inputs(facts))
        assert caught.value.code == expected
        assert caught.value.status == 409
        assert caught.value.message_vi and caught.value.message_en


@pytest.mark.parametrize("source", [S.SUBMITTED, S.IN_PROCESS])
def test_os_supp_05_second_supplement_needs_override_reason(source):
    role = {Role.INTAKE_OFFICER if source is S.SUBMITTED else Role.HANDLER}
    first = DossierFacts(now=NOW, due_at=DUE)
    assert next_state(source, A.REQUEST_SUPPLEMENT, role, first, full_inputs(first)) is S.SUPPLEMENT_REQUESTED
    for blank in ("", "   "):
        second = DossierFacts(now=NOW, due_at=DUE, supplement_count=1, override_reason=blank)
        assert A.REQUEST_SUPPLEMENT not in allowed_actions(source, role, second)
        with pytest.raises(GuardRefused) as caught:
            next_state(source, A.REQUEST_SUPPLEMENT, role, second, full_inputs(second))
        assert caught.value.code == "supplement_override_required"
    override = DossierFacts(now=NOW, due_at=DUE, supplement_count=1, override_reason="Phát sinh yêu cầu mới")
    assert next_state(source, A.REQUEST_SUPPLEMENT, role, override, full_inputs(override)) is S.SUPPLEMENT_REQUESTED


@pytest.mark.parametrize("paused_from", [S.SUBMITTED, S.IN_PROCESS])
def test_os_supp_02_resupply_resumes_the_phase_it_interrupted(paused_from):
    facts = DossierFacts(now=NOW, paused_from=paused_from)
    assert next_state(S.SUPPLEMENT_REQUESTED, A.RESUPPLY, {Role.APPLICANT}, facts, {"items": ["x"]}) is paused_from


@pytest.mark.parametrize("paused_from", [S.SUBMITTED, S.ACCEPTED, S.IN_PROCESS, S.RESOLVED])
def test_os_proc_08_payment_resumes_the_phase_it_interrupted(paused_from):
    facts = DossierFacts(now=NOW, paused_from=paused_from)
    inputs = {"payment_ref": "VNP-1"}
    assert next_state(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, {Role.SYSTEM}, facts, inputs) is paused_from


def test_os_proc_08_unknown_resume_state_is_refused():
    facts = DossierFacts(now=NOW, paused_from=None)
    assert allowed_actions(S.SUPPLEMENT_REQUESTED, {Role.APPLICANT}, facts) == [A.WITHDRAW]
    with pytest.raises(GuardRefused) as caught:
        next_state(S.SUPPLEMENT_REQUESTED, A.RESUPPLY, {Role.APPLICANT}, facts, {"items": ["x"]})
    assert caught.value.code == "resume_state_mismatch"


def test_os_proc_01_substates_move_explicitly():
    facts = DossierFacts(now=NOW, due_at=DUE, paused_from=S.IN_PROCESS)
    leader = {Role.DEPARTMENT_LEADER}

    def after(state, action, current, **kw):
        inputs = full_inputs(facts, **kw)
        return substate_after(find_transition(state, action, leader, facts, inputs), current, inputs)

    assert after(S.IN_PROCESS, A.ASSIGN, None) is ProcessingSubstate.ASSIGNED
    assert after(S.IN_PROCESS, A.START_STEP, ProcessingSubstate.ASSIGNED, substate="verifying") == "verifying"
    assert after(S.IN_PROCESS, A.SEND_BACK, ProcessingSubstate.AWAITING_SIGNATURE, substate="appraising") == (
        ProcessingSubstate.APPRAISING
    )
    assert after(S.IN_PROCESS, A.TRANSFER, ProcessingSubstate.APPRAISING) is ProcessingSubstate.INTERAGENCY
    assert after(S.IN_PROCESS, A.APOLOGIZE, ProcessingSubstate.CONSULTING) is ProcessingSubstate.CONSULTING
    assert after(S.IN_PROCESS, A.COMPLETE_STEP, ProcessingSubstate.CONSULTING) is ProcessingSubstate.CONSULTING
    assert after(S.IN_PROCESS, A.RESOLVE, ProcessingSubstate.AWAITING_SIGNATURE) is None
    resume = find_transition(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, {Role.SYSTEM}, facts, full_inputs(facts))
    assert substate_after(resume, ProcessingSubstate.VERIFYING, {}) is ProcessingSubstate.VERIFYING
    forward = find_transition(S.ACCEPTED, A.TRANSFER, {Role.SYSTEM}, facts, full_inputs(facts))
    assert substate_after(forward, ProcessingSubstate.VERIFYING, {}) is None


def test_os_supp_04_supplement_phase():
    assert supplement_phase(S.SUBMITTED) == "intake"
    assert supplement_phase(S.IN_PROCESS) == "processing"
    with pytest.raises(ValueError):
        supplement_phase(S.RESOLVED)


def test_os_stop_03_refusal_at_intake_differs_from_refusal_result():
    facts = DossierFacts(now=NOW, due_at=DUE)
    intake = next_state(S.SUBMITTED, A.NOT_ACCEPT, {Role.INTAKE_OFFICER}, facts, {"reason": "Sai thẩm quyền"})
    result = next_state(S.IN_PROCESS, A.RESOLVE, {Role.AGENCY_LEADER}, facts, {"result_kind": "refusal", "reason": "x"})
    assert intake is S.NOT_ACCEPTED and intake in TERMINAL_STATES
    assert result is S.RESOLVED and result not in TERMINAL_STATES


def test_states_accept_plain_strings_from_the_database():
    facts = DossierFacts(now=NOW)
    assert next_state("draft", "submit", {"applicant"}, facts, {}) is S.SUBMITTED
    assert allowed_actions("draft", ["applicant"], facts) == [A.SUBMIT]


def test_dossiers_core_does_not_import_django():
    code = (
        "import sys; import motcua.dossiers.states, motcua.dossiers.national_status, motcua.dossiers.timeliness;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

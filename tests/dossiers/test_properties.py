"""Property tests of the dossier state machine (OS-STATE-02/03, OS-LATE-02, OS-SUPP-05). Pure."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.national_status import national_status
from motcua.dossiers.states import (
    ALL_ROLES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    DossierFacts,
    DossierState,
    GuardRefused,
    IllegalTransition,
    ProcessingSubstate,
    allowed_actions,
    find_transition,
    next_state,
    substate_after,
)
from tests.dossiers.support import NOW, full_inputs

S = DossierState
# No example database: tests must not leave files behind (ENGINEERING.md habit 8).
PURE = settings(max_examples=200, deadline=None, database=None)
PAUSES = {S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}
STATUTORY = timedelta(days=10)

role_sets = st.sets(st.sampled_from(sorted(ALL_ROLES)), min_size=1)
facts_strategy = st.builds(
    DossierFacts,
    now=st.just(NOW),
    due_at=st.one_of(st.none(), st.integers(-72, 240).map(lambda h: NOW + timedelta(hours=h))),
    apology_count=st.integers(0, 2),
    supplement_count=st.integers(0, 3),
    override_reason=st.sampled_from(["", "  ", "Phát sinh thành phần mới"]),
    clock_stopped=st.booleans(),
    paused_from=st.one_of(st.none(), st.sampled_from(list(S))),
)


def _rows(state: DossierState, action: Action) -> list:
    return [row for row in TRANSITIONS if row.source is state and row.action is action]


def _project(facts: DossierFacts, state: DossierState, target: DossierState, action: Action, inputs) -> DossierFacts:
    """What the events layer would record after the transition (simplified projection)."""
    changes: dict[str, object] = {}
    if action is Action.ACCEPT:
        changes["due_at"] = facts.now + STATUTORY
    if action is Action.APOLOGIZE:
        changes |= {"apology_count": facts.apology_count + 1, "due_at": inputs["new_due_at"]}
    if action is Action.REQUEST_SUPPLEMENT:
        changes["supplement_count"] = facts.supplement_count + 1
    if action is Action.RESUPPLY and target is S.IN_PROCESS:
        changes["due_at"] = facts.now + STATUTORY  # OS-SUPP-02 restart mode
    if target in PAUSES:
        changes["paused_from"] = state
    elif state in PAUSES:
        changes["paused_from"] = None
    return dataclasses.replace(facts, **changes)


@PURE
@given(data=st.data())
def test_os_state_03_random_walks_stay_inside_the_machine(data):
    """From submitted, any sequence of allowed actions: known states only, terminal is final,
    at most one apology (OS-LATE-02), every state has a national code (OS-STATE-01/02)."""
    state, substate = S.SUBMITTED, None
    facts = DossierFacts(now=NOW)
    for _ in range(data.draw(st.integers(1, 40), label="steps")):
        facts = dataclasses.replace(
            facts,
            now=facts.now + timedelta(hours=data.draw(st.integers(0, 96), label="hours")),
            override_reason=data.draw(st.sampled_from(["", "Lý do ngoại lệ"]), label="override"),
        )
        allowed = allowed_actions(state, ALL_ROLES, facts)
        if state in TERMINAL_STATES:
            assert allowed == []
            for action in Action:
                with pytest.raises(IllegalTransition):
                    next_state(state, action, ALL_ROLES, facts, full_inputs(facts))
            return
        assert allowed, f"dead end in {state} with {facts}"
        # Ending early would keep walks short; terminal actions get one chance in ten.
        ending = [a for a in allowed if all(r.target in TERMINAL_STATES for r in _rows(state, a))]
        onward = [a for a in allowed if a not in ending]
        pool = ending if not onward or (ending and data.draw(st.integers(0, 9), label="end") == 0) else onward
        action = data.draw(st.sampled_from(pool), label="action")
        inputs = full_inputs(
            facts,
            result_kind=data.draw(st.sampled_from(["approval", "refusal"])),
            return_method=data.draw(st.sampled_from(["counter", "post", "online"])),
            substate=data.draw(st.sampled_from([s.value for s in ProcessingSubstate])),
        )
        row = find_transition(state, action, ALL_ROLES, facts, inputs)
        assert next_state(state, action, ALL_ROLES, facts, inputs) is row.target
        facts = _project(facts, state, row.target, action, inputs)
        # The stored sub-state survives a pause so that resuming continues the same step.
        if row.target not in PAUSES:
            substate = substate_after(row, substate, inputs)
        state = row.target
        assert state in set(S)
        assert national_status(state) in range(1, 11)
        assert facts.apology_count <= 1
        assert substate is None or state is S.IN_PROCESS or state in PAUSES


@PURE
@given(state=st.sampled_from(list(S)), action=st.sampled_from(list(Action)), roles=role_sets, facts=facts_strategy)
def test_os_state_03_allowed_actions_agree_with_next_state(state, action, roles, facts):
    """An allowed action succeeds with complete inputs; anything else raises IllegalTransition
    listing exactly `allowed_actions`, or GuardRefused when a row exists but its guard says no."""
    allowed = allowed_actions(state, roles, facts)
    inputs = full_inputs(facts)
    if action in allowed:
        assert next_state(state, action, roles, facts, inputs) in set(S)
        return
    has_row = any(r.source is state and r.action is action and r.roles & roles for r in TRANSITIONS)
    expected = GuardRefused if has_row else IllegalTransition
    with pytest.raises(expected) as caught:
        next_state(state, action, roles, facts, inputs)
    if expected is IllegalTransition:
        assert caught.value.allowed == allowed


@PURE
@given(facts=facts_strategy, roles=role_sets)
def test_os_late_01_02_apology_only_once_and_before_due(facts, roles):
    if Action.APOLOGIZE in allowed_actions(S.IN_PROCESS, roles, facts):
        assert facts.apology_count == 0
        assert facts.due_at is not None and facts.now < facts.due_at
        assert not facts.clock_stopped


@PURE
@given(facts=facts_strategy, roles=role_sets, state=st.sampled_from([S.SUBMITTED, S.IN_PROCESS]))
def test_os_supp_05_repeat_supplement_only_with_override(facts, roles, state):
    if Action.REQUEST_SUPPLEMENT in allowed_actions(state, roles, facts):
        assert facts.supplement_count == 0 or facts.override_reason.strip()

"""The dossier state machine: states, actions, roles, and the ONE transition table (OS-STATE-02/03).

Pure Python on purpose (DESIGN.md rule 1): no Django, no database. The models/events layer asks
this module what may happen and records what did; it never sets a status itself (ENGINEERING.md
habit 9, DESIGN.md rule 3). Guards live in `guards.py`, errors in `errors.py`; both are re-exported
here so callers need one import.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from motcua.dossiers.errors import (
    GuardRefused,
    IllegalTransition,
    InvalidInputs,
    MissingInputs,
    TransitionError,
)
from motcua.dossiers.guards import GUARDS, DossierFacts, Refusal
from motcua.dossiers.vocabulary import (
    ACTION_LABELS,
    RECORD_ACTIONS,
    STATE_LABELS,
    Action,
    DossierState,
    FormKey,
    ProcessingSubstate,
    ResultKind,
    ReturnMethod,
    Role,
)

__all__ = [
    "ACTION_LABELS",
    "ALL_ROLES",
    "CONDITIONAL_INPUTS",
    "KNOWN_INPUTS",
    "RECORD_ACTIONS",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Action",
    "DossierFacts",
    "DossierState",
    "FormKey",
    "GuardRefused",
    "IllegalTransition",
    "InvalidInputs",
    "MissingInputs",
    "ProcessingSubstate",
    "Refusal",
    "ResultKind",
    "ReturnMethod",
    "Role",
    "Transition",
    "TransitionError",
    "allowed_actions",
    "find_transition",
    "next_state",
    "substate_after",
    "supplement_phase",
    "validate_table",
]

TERMINAL_STATES: Final = frozenset(
    {DossierState.NOT_ACCEPTED, DossierState.WITHDRAWN, DossierState.STOPPED, DossierState.RETURNED}
)
ALL_ROLES: Final = frozenset(
    {
        Role.INTAKE_OFFICER,
        Role.HANDLER,
        Role.DEPARTMENT_LEADER,
        Role.AGENCY_LEADER,
        Role.CLERK,
        Role.PROVINCIAL_ADMIN,
        Role.APPLICANT,
        Role.SYSTEM,
    }
)

# Every input name a row may require; `validate_table` rejects typos at import time.
KNOWN_INPUTS: Final = frozenset(
    {
        "reason",  # shown to the applicant (forms 02, 03, 04, stop notice, withdrawal)
        "comment",  # internal remark between officials
        "items",  # components to supplement, or supplied (OS-INTAKE-04)
        "new_due_at",  # the rescheduled return time on form 04
        "result_kind",  # approval | refusal (OS-STOP-03, OS-PROC-07)
        "return_method",  # counter | post | online (OS-RET-01)
        "collector",  # who collected at the counter (OS-RET-02)
        "recipient",  # unit or agency the dossier is forwarded to (OS-XFER, OS-PROC-04/05)
        "assignee",  # handler assigned by the head (OS-PROC-01)
        "step",  # process-step id from the pinned process version (OS-CAT-03)
        "substate",  # ProcessingSubstate the step puts the dossier in
        "fees",  # fee lines requested (OS-FEE-02)
        "payment_ref",  # proof of payment (OS-FEE-01)
    }
)
# Inputs that become required only for some values of another input.
CONDITIONAL_INPUTS: Final[Mapping[tuple[str, str], tuple[str, ...]]] = {
    ("result_kind", ResultKind.REFUSAL.value): ("reason",),  # written reasons (OS-PROC-07)
    ("return_method", ReturnMethod.COUNTER.value): ("collector",),  # OS-RET-02
}
_CHOICE_INPUTS: Final[Mapping[str, type[StrEnum]]] = {
    "result_kind": ResultKind,
    "return_method": ReturnMethod,
    "substate": ProcessingSubstate,
}


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the table: from `source`, `action` by any of `roles` leads to `target`.

    `guard_name` names a predicate in `guards.GUARDS`; `requires` lists inputs that must be present
    and non-blank. `substate` is the in_process sub-state the row sets (None: kept, or taken from the
    "substate" input when required). `form` is the notice the events layer must issue.
    """

    source: DossierState
    action: Action
    roles: frozenset[str]
    target: DossierState
    guard_name: str | None = None
    requires: tuple[str, ...] = ()
    substate: ProcessingSubstate | None = None
    form: FormKey | None = None


def _t(
    source: DossierState,
    action: Action,
    roles: Iterable[str],
    target: DossierState,
    guard: str | None = None,
    requires: tuple[str, ...] = (),
    substate: ProcessingSubstate | None = None,
    form: FormKey | None = None,
) -> Transition:
    return Transition(source, action, frozenset(roles), target, guard, requires, substate, form)


S, A = DossierState, Action
_INTAKE = (Role.INTAKE_OFFICER,)
_LEADERS = (Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER)
_PROCESSORS = (Role.HANDLER, *_LEADERS)
# Process steps may also be performed at the one-stop unit or by the clerk (docs/processes.md); the
# engine lets these two roles move a step only when the dossier's pinned process names them
# (`process_link.machine_roles`), so dossiers without a process keep the processors only.
_STEP_MOVERS = (*_PROCESSORS, Role.INTAKE_OFFICER, Role.CLERK)
# A result is ready once a leader signed it or the clerk issued it (OS-FN-02); `system` covers the
# signing/issuance event arriving from the documents app.
_RESOLVERS = (*_LEADERS, Role.CLERK, Role.SYSTEM)
_FEE_REQUESTERS = (Role.INTAKE_OFFICER, *_PROCESSORS, Role.SYSTEM)
# Only a verified gateway notification (system) or cash at the counter confirms payment (OS-FEE-03).
_FEE_CONFIRMERS = (Role.INTAKE_OFFICER, Role.SYSTEM)
# The applicant, the counter recording a written request, or the national portal syncing one in.
_WITHDRAWERS = (Role.APPLICANT, Role.INTAKE_OFFICER, Role.SYSTEM)
_SUPPLIERS = (Role.APPLICANT, Role.INTAKE_OFFICER, Role.SYSTEM)
_SUPPLEMENT = ("items", "reason")
_PAUSABLE = (S.SUBMITTED, S.ACCEPTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)

# fmt: off
TRANSITIONS: Final[tuple[Transition, ...]] = (
    # Intake (OS-INTAKE-02/03): one outcome per check - accept (form 01), supplement (02), refuse (03).
    _t(S.DRAFT, A.SUBMIT, (Role.APPLICANT, Role.INTAKE_OFFICER, Role.SYSTEM), S.SUBMITTED),
    _t(S.SUBMITTED, A.ACCEPT, _INTAKE, S.ACCEPTED, form=FormKey.RECEIPT),
    _t(S.SUBMITTED, A.NOT_ACCEPT, _INTAKE, S.NOT_ACCEPTED, requires=("reason",), form=FormKey.REFUSAL),
    _t(S.SUBMITTED, A.REQUEST_SUPPLEMENT, _INTAKE, S.SUPPLEMENT_REQUESTED, "supplement_allowed",
       _SUPPLEMENT, form=FormKey.SUPPLEMENT_REQUEST),
    # Forwarding to the competent unit or another authority's one-stop unit (OS-XFER-01..03).
    _t(S.ACCEPTED, A.TRANSFER, (Role.INTAKE_OFFICER, Role.SYSTEM), S.IN_PROCESS, requires=("recipient",)),
    # Processing (OS-PROC-01..07): the configurable steps move only the sub-state.
    _t(S.IN_PROCESS, A.ASSIGN, _LEADERS, S.IN_PROCESS, requires=("assignee",),
       substate=ProcessingSubstate.ASSIGNED),
    _t(S.IN_PROCESS, A.START_STEP, _PROCESSORS, S.IN_PROCESS, requires=("step", "substate")),
    _t(S.IN_PROCESS, A.COMPLETE_STEP, _STEP_MOVERS, S.IN_PROCESS, requires=("step",)),
    _t(S.IN_PROCESS, A.SEND_BACK, _STEP_MOVERS, S.IN_PROCESS, requires=("step", "substate", "comment")),
    _t(S.IN_PROCESS, A.TRANSFER, _PROCESSORS, S.IN_PROCESS, requires=("recipient",),
       substate=ProcessingSubstate.INTERAGENCY),
    _t(S.IN_PROCESS, A.APOLOGIZE, _LEADERS, S.IN_PROCESS, "apology_allowed", ("reason", "new_due_at"),
       form=FormKey.APOLOGY),
    _t(S.IN_PROCESS, A.REQUEST_SUPPLEMENT, _PROCESSORS, S.SUPPLEMENT_REQUESTED, "supplement_allowed",
       _SUPPLEMENT, form=FormKey.SUPPLEMENT_REQUEST),
    _t(S.IN_PROCESS, A.RESOLVE, _RESOLVERS, S.RESOLVED, requires=("result_kind",)),
    # Supplement (OS-SUPP): resupply goes back to the phase the request came from.
    _t(S.SUPPLEMENT_REQUESTED, A.RESUPPLY, _SUPPLIERS, S.SUBMITTED, "paused_from_submitted", ("items",)),
    _t(S.SUPPLEMENT_REQUESTED, A.RESUPPLY, _SUPPLIERS, S.IN_PROCESS, "paused_from_in_process", ("items",)),
    # Financial obligation at any phase (OS-PROC-08); payment resumes the phase it interrupted.
    _t(S.SUBMITTED, A.REQUEST_PAYMENT, _FEE_REQUESTERS, S.AWAITING_PAYMENT, requires=("fees",)),
    _t(S.ACCEPTED, A.REQUEST_PAYMENT, _FEE_REQUESTERS, S.AWAITING_PAYMENT, requires=("fees",)),
    _t(S.IN_PROCESS, A.REQUEST_PAYMENT, _FEE_REQUESTERS, S.AWAITING_PAYMENT, requires=("fees",)),
    _t(S.RESOLVED, A.REQUEST_PAYMENT, _FEE_REQUESTERS, S.AWAITING_PAYMENT, requires=("fees",)),
    _t(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, _FEE_CONFIRMERS, S.SUBMITTED, "paused_from_submitted",
       ("payment_ref",)),
    _t(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, _FEE_CONFIRMERS, S.ACCEPTED, "paused_from_accepted",
       ("payment_ref",)),
    _t(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, _FEE_CONFIRMERS, S.IN_PROCESS, "paused_from_in_process",
       ("payment_ref",)),
    _t(S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT, _FEE_CONFIRMERS, S.RESOLVED, "paused_from_resolved",
       ("payment_ref",)),
    # Return of results (OS-RET-01/02).
    _t(S.RESOLVED, A.RETURN_RESULT, (Role.INTAKE_OFFICER, Role.SYSTEM), S.RETURNED, requires=("return_method",)),
    # Withdrawal before a result exists (OS-STOP-01); stop once accepted (OS-STOP-02).
    *(_t(src, A.WITHDRAW, _WITHDRAWERS, S.WITHDRAWN, requires=("reason",)) for src in _PAUSABLE),
    *(_t(src, A.STOP, _LEADERS, S.STOPPED, requires=("reason",), form=FormKey.STOP_NOTICE)
      for src in _PAUSABLE if src is not S.SUBMITTED),
)
# fmt: on


def validate_table(table: Iterable[Transition]) -> None:
    """Reject a table that names an unknown guard or input, or leaves a terminal state."""
    for row in table:
        if row.guard_name is not None and row.guard_name not in GUARDS:
            raise ValueError(f"unknown guard {row.guard_name!r} in {row}")
        unknown = set(row.requires) - KNOWN_INPUTS
        if unknown:
            raise ValueError(f"unknown inputs {sorted(unknown)} in {row}")
        if row.source in TERMINAL_STATES:
            raise ValueError(f"terminal state {row.source} has an outgoing row {row}")
        if not row.roles:
            raise ValueError(f"row without roles {row}")


validate_table(TRANSITIONS)


def _refusal(row: Transition, facts: DossierFacts) -> Refusal | None:
    return None if row.guard_name is None else GUARDS[row.guard_name](facts)


def _candidates(state: DossierState, action: Action | None, roles: Collection[str]) -> list[Transition]:
    granted = frozenset(roles)
    return [
        row
        for row in TRANSITIONS
        if row.source == state and (action is None or row.action == action) and row.roles & granted
    ]


def allowed_actions(state: DossierState, roles: Collection[str], facts: DossierFacts) -> list[Action]:
    """Actions these roles may take now, in `Action` declaration order (for menus and 409 bodies)."""
    possible = {row.action for row in _candidates(state, None, roles) if _refusal(row, facts) is None}
    return [action for action in Action if action in possible]


def find_transition(
    state: DossierState,
    action: Action,
    roles: Collection[str],
    facts: DossierFacts,
    inputs: Mapping[str, object],
) -> Transition:
    """The row that applies, after checking roles, guard and inputs; raises a `TransitionError`."""
    state, action = DossierState(state), Action(action)
    rows = _candidates(state, action, roles)
    if not rows:
        raise IllegalTransition(state, action, allowed_actions(state, roles, facts))
    refusals: list[Refusal] = []
    for row in rows:
        refusal = _refusal(row, facts)
        if refusal is None:
            _check_inputs(row, facts, inputs)
            return row
        refusals.append(refusal)
    first = refusals[0]
    raise GuardRefused(first.code, first.message_vi, first.message_en)


def next_state(
    state: DossierState,
    action: Action,
    roles: Collection[str],
    facts: DossierFacts,
    inputs: Mapping[str, object],
) -> DossierState:
    """The state after `action`, or a `TransitionError` saying why it may not happen."""
    return find_transition(state, action, roles, facts, inputs).target


def substate_after(
    row: Transition, current: ProcessingSubstate | None, inputs: Mapping[str, object]
) -> ProcessingSubstate | None:
    """The in_process sub-state after `row` (None outside in_process or before assignment)."""
    if row.target is not DossierState.IN_PROCESS:
        return None
    if row.substate is not None:
        return row.substate
    if "substate" in row.requires:
        return ProcessingSubstate(str(inputs["substate"]))
    # Freshly forwarded dossiers wait for a head to assign them; resumed ones keep their step.
    return None if row.source is DossierState.ACCEPTED else current


def supplement_phase(state: DossierState) -> str:
    """Phase recorded on a supplement episode (OS-SUPP-04): "intake" or "processing"."""
    if state is DossierState.SUBMITTED:
        return "intake"
    if state is DossierState.IN_PROCESS:
        return "processing"
    raise ValueError(f"no supplement request from {state}")


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Collection):
        return len(value) == 0
    return False


def _required(row: Transition, inputs: Mapping[str, object]) -> list[str]:
    fields = list(row.requires)
    for (name, value), extra in CONDITIONAL_INPUTS.items():
        if name in row.requires and str(inputs.get(name, "")) == value:
            fields.extend(field for field in extra if field not in fields)
    return fields


def _check_inputs(row: Transition, facts: DossierFacts, inputs: Mapping[str, object]) -> None:
    missing = [name for name in _required(row, inputs) if _is_blank(inputs.get(name))]
    if missing:
        raise MissingInputs(tuple(missing))
    invalid: dict[str, str] = {}
    for name in row.requires:
        choices = _CHOICE_INPUTS.get(name)
        if choices is not None and str(inputs[name]) not in {member.value for member in choices}:
            invalid[name] = "one of " + ", ".join(member.value for member in choices)
    if "new_due_at" in row.requires:
        problem = _new_due_problem(inputs["new_due_at"], facts)
        if problem:
            invalid["new_due_at"] = problem
    if invalid:
        raise InvalidInputs(invalid)


def _new_due_problem(value: object, facts: DossierFacts) -> str | None:
    # Form 04 promises a later date; an earlier or unzoned one would make timeliness meaningless.
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return "an aware datetime"
    if value <= facts.now or (facts.due_at is not None and value <= facts.due_at):
        return "later than now and than the current due time"
    return None

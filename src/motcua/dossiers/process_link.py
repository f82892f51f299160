"""The one place that decides how a dossier follows its internal process and its inter-agency parts.

Used by `engine.apply_transition` only (DESIGN.md rule 3: the engine stays the one writer).

- **Pinning (OS-CAT-03/05).** `accept` pins the process in force for the procedure at the competent
  agency on the acceptance date and enters its start step.
- **Step moves (OS-PROC-06).** While a process applies, `start_step`, `complete_step` and `send_back`
  must name a transition of that process leaving the current step: input `transition` (its action
  key, e.g. "propose") and/or `step` (the step it leads to). The caller must hold one of its roles
  (or the role performing the source step when it lists none) and give what it `requires`
  (`comment`, `attachments`). The step's due time is `calendar.add(step_started_at, allotment)`.
  The first `transfer` from `accepted` takes the one transition out of the start step the caller
  may take (the one-stop unit forwarding the dossier), if there is exactly one.
- **Inter-agency parts (OS-PROC-04/05, OS-XFER-03).** `transfer` with `recipient` = the code of
  another agency of the platform hands the dossier over (same code, a hand-over record in the event)
  and opens that agency's part; handing it back (or on) and resolving close the part, timed early /
  on time / late. While a part is open the pinned process waits: step moves are generic there.
- Dossiers without a process keep the generic behaviour of the transition table.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.calendar.services import calendar_for, time_zone
from motcua.catalog.process_models import AllotmentUnit, ProcessStep, ProcessTemplate, ProcessTransition
from motcua.catalog.process_rules import longest_path
from motcua.catalog.process_services import process_in_force
from motcua.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from motcua.dossiers import clock
from motcua.dossiers.models import Dossier, DossierAgencyPart
from motcua.dossiers.states import (
    TERMINAL_STATES,
    Action,
    DossierFacts,
    DossierState,
    ProcessingSubstate,
    Role,
    Transition,
    allowed_actions,
)
from motcua.dossiers.timeliness import timeliness
from motcua.organizations.agencies import resolve_agency
from motcua.organizations.models import Agency

STEP_ACTIONS = frozenset({Action.START_STEP, Action.COMPLETE_STEP, Action.SEND_BACK})
# Roles the table lets move a step only because a process may name them (states.py `_STEP_OFFICIALS`).
STEP_OFFICIALS = frozenset({Role.INTAKE_OFFICER, Role.CLERK})
# Requirement of a process transition -> the input that satisfies it.
REQUIREMENT_INPUTS = {"comment": "comment", "attachment": "attachments"}


@dataclass(frozen=True)
class StepMove:
    """A process transition the caller may take now, and the role they take it with."""

    transition: ProcessTransition
    source: ProcessStep
    target: ProcessStep
    role: str


@dataclass
class Link:
    """What the process and the parts add to one transition: projection changes, payload, sub-state."""

    changes: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    substate: ProcessingSubstate | None = None
    sets_substate: bool = False


# --- reading ------------------------------------------------------------------------------------
def template_of(dossier: Dossier) -> ProcessTemplate | None:
    """The pinned template with its steps and transitions (cached on the instance)."""
    if dossier.process_template_id is None:
        return None
    cached: ProcessTemplate | None = getattr(dossier, "_process_cache", None)
    if cached is None or cached.pk != dossier.process_template_id:
        cached = ProcessTemplate.objects.prefetch_related("steps", "transitions").get(pk=dossier.process_template_id)
        dossier._process_cache = cached
    return cached


def _steps(template: ProcessTemplate) -> dict[str, ProcessStep]:
    return {step.key: step for step in template.steps.all()}


def open_part(dossier: Dossier) -> DossierAgencyPart | None:
    """The part of another agency currently holding the dossier, if any."""
    if dossier.pk is None:
        return None
    found: DossierAgencyPart | None = (
        dossier.agency_parts.filter(finished_at=None).select_related("agency").order_by("-opened_seq").first()
    )
    return found


def holder(dossier: Dossier) -> Agency:
    """The agency handling the dossier now: the open part's agency, else the competent agency."""
    part = open_part(dossier)
    agency: Agency = part.agency if part is not None else dossier.competent_agency
    return agency


def process_applies(dossier: Dossier) -> bool:
    return bool(dossier.process_template_id and dossier.current_step) and open_part(dossier) is None


def _permitted(transition: ProcessTransition, steps: Mapping[str, ProcessStep]) -> set[str]:
    return set(transition.roles or [steps[transition.from_step].role])


def _leaving(dossier: Dossier) -> tuple[dict[str, ProcessStep], list[ProcessTransition]]:
    template = template_of(dossier)
    assert template is not None
    return _steps(template), [t for t in template.transitions.all() if t.from_step == dossier.current_step]


# --- roles and menus ----------------------------------------------------------------------------
def machine_roles(dossier: Dossier, action: Action, roles: Collection[str]) -> set[str]:
    """The roles the transition table sees: intake officers and clerks move steps only for a process."""
    granted = set(roles)
    if action in STEP_ACTIONS and not process_applies(dossier):
        granted -= STEP_OFFICIALS
    return granted


def allowed_for(dossier: Dossier, roles: Collection[str], facts: DossierFacts) -> list[Action]:
    """`states.allowed_actions`, with step moves only where the process (or the generic table) allows."""
    state = DossierState(dossier.status)
    actions = allowed_actions(state, roles, facts)
    if not process_applies(dossier):
        generic = set(allowed_actions(state, machine_roles(dossier, Action.COMPLETE_STEP, roles), facts))
        return [a for a in actions if a not in STEP_ACTIONS or a in generic]
    steps, leaving = _leaving(dossier)
    possible = any(_permitted(t, steps) & set(roles) for t in leaving)
    return [a for a in actions if a not in STEP_ACTIONS or possible]


# --- step moves -----------------------------------------------------------------------------------
def _illegal_step(dossier: Dossier, roles: Collection[str], leaving: list[ProcessTransition], steps: Any) -> Conflict:
    allowed = sorted({t.action for t in leaving if _permitted(t, steps) & set(roles)})
    message = _("Không thể thực hiện thao tác này tại bước “%(step)s” của quy trình với vai trò hiện có.") % {
        "step": steps[dossier.current_step].name
    }
    return Conflict("illegal_step_transition", message, current_step=dossier.current_step, allowed_transitions=allowed)


def _missing(names: list[str]) -> ValidationFailed:
    message = _("Thiếu thông tin bắt buộc: %(names)s.") % {"names": ", ".join(names)}
    return ValidationFailed(
        message, [FieldError(name, "required", _("Thiếu giá trị bắt buộc.")) for name in names], code="missing_inputs"
    )


def _unmet(transition: ProcessTransition, values: Mapping[str, Any]) -> list[str]:
    names = [REQUIREMENT_INPUTS.get(str(r), str(r)) for r in transition.requires or []]
    return [name for name in names if not str(values.get(name) or "").strip()]


def _choose(dossier: Dossier, roles: Collection[str], values: Mapping[str, Any], *, explicit: bool) -> StepMove | None:
    """The transition named by `transition` / `step` (explicit) or the only one the caller may take."""
    steps, leaving = _leaving(dossier)
    key, target = str(values.get("transition") or "").strip(), str(values.get("step") or "").strip()
    if explicit and not key and not target:
        raise _missing(["transition"])
    named = [t for t in leaving if (not key or t.action == key) and (not target or t.to_step == target)]
    mine = [t for t in named if _permitted(t, steps) & set(roles)]
    if not key and not target:  # automatic forwarding: only an unambiguous, complete move
        mine = [t for t in mine if not _unmet(t, values)]
        if len(mine) != 1:
            return None
    elif not mine:
        raise _illegal_step(dossier, roles, leaving, steps)
    elif len({t.to_step for t in mine}) > 1:
        raise _missing(["step"])
    transition = mine[0]
    unmet = _unmet(transition, values)
    if unmet:
        raise _missing(unmet)
    role = sorted(_permitted(transition, steps) & set(roles))[0]
    return StepMove(transition, steps[transition.from_step], steps[transition.to_step], role)


def prepare(dossier: Dossier, action: Action, roles: Collection[str], values: dict[str, Any]) -> StepMove | None:
    """Resolve the process transition behind `action` (None: generic) and fill the inputs the table
    needs from it (`step`, and `substate` for start_step / send_back). Raises 409 / 422."""
    state = DossierState(dossier.status)
    if action is Action.TRANSFER and state is DossierState.ACCEPTED and dossier.current_step:
        move = _choose(dossier, roles, values, explicit=bool(values.get("transition") or values.get("step")))
    elif action in STEP_ACTIONS and state is DossierState.IN_PROCESS and process_applies(dossier):
        move = _choose(dossier, roles, values, explicit=True)
    else:
        return None
    if move is not None and action is not Action.TRANSFER:
        values["step"], values["transition"] = move.target.key, move.transition.action
        if action in (Action.START_STEP, Action.SEND_BACK):
            values["substate"] = move.target.substate
    return move


def _calendar(dossier: Dossier) -> Any:
    return calendar_for(dossier.competent_agency)


def _verdict(finished: datetime, due: datetime | None) -> str:
    return timeliness(finished, due, time_zone()).value if due is not None else ""


def _enter(dossier: Dossier, step: ProcessStep, now: datetime) -> dict[str, Any]:
    due = clock.step_due(step, now, _calendar(dossier))
    return {"current_step": step.key, "step_started_at": now, "step_due_at": due}


def _step_record(
    dossier: Dossier, source: ProcessStep | None, target: ProcessStep | None, now: datetime
) -> dict[str, Any]:
    return {
        "from": source.key if source else "",
        "from_name": source.name if source else "",
        "to": target.key if target else "",
        "to_name": target.name if target else "",
        "final": bool(target and target.is_final),
        # The hop result of the step left (form 05, OS-PROC-06).
        "verdict": _verdict(now, dossier.step_due_at) if source is not None else "",
    }


def _pin(dossier: Dossier, now: datetime, link: Link) -> None:
    version = dossier.procedure_version
    try:
        template = process_in_force(version.procedure.procedure_code, dossier.competent_agency.code, now)
    except NotFound:
        return  # no process in force: the generic behaviour
    start = next(step for step in template.steps.all() if step.is_start)
    link.changes.update(process_template_id=template.pk, **_enter(dossier, start, now))
    link.payload["process"] = {"template_id": template.pk, "number": template.number, "name": template.name}
    link.payload["step"] = _step_record(dossier, None, start, now)


def _move(dossier: Dossier, row: Transition, move: StepMove, now: datetime, link: Link) -> None:
    link.changes.update(_enter(dossier, move.target, now))
    link.payload["step"] = {
        "transition": move.transition.action,
        "transition_name": move.transition.name,
        **_step_record(dossier, move.source, move.target, now),
    }
    if row.action in STEP_ACTIONS:
        link.substate, link.sets_substate = ProcessingSubstate(move.target.substate), True


def _leave_process(dossier: Dossier, row: Transition, now: datetime, link: Link) -> None:
    template = template_of(dossier)
    if template is None or not dossier.current_step:
        return
    step = _steps(template).get(dossier.current_step)
    if row.action is Action.RESOLVE and step is not None and not step.is_final:
        link.warnings.append("resolved_before_final_step")
    if row.target in TERMINAL_STATES:
        link.payload["step"] = _step_record(dossier, step, None, now)
        link.changes.update(current_step="", step_started_at=None, step_due_at=None)


def _resume(dossier: Dossier, row: Transition, now: datetime, link: Link) -> None:
    """Resupply restarts the step (restart mode) or extends it by the pause (pause mode), like the dossier."""
    template = template_of(dossier)
    step = _steps(template).get(dossier.current_step) if template is not None else None
    if step is None or dossier.step_due_at is None:
        return
    if clock.supplement_clock_mode() == clock.RESTART:
        link.changes.update(_enter(dossier, step, now))
    elif dossier.paused_at is not None:
        link.changes["step_due_at"] = _calendar(dossier).extend_for_pause(dossier.step_due_at, dossier.paused_at, now)


# --- inter-agency parts ---------------------------------------------------------------------------
def _recipient(values: Mapping[str, Any]) -> Agency | None:
    code = str(values.get("recipient") or "").strip()
    try:
        return resolve_agency(code) if code else None
    except NotFound:
        return None  # a unit or free text: generic forwarding


def _allotment(values: Mapping[str, Any]) -> Decimal | None:
    raw = values.get("allotment")
    if raw is None or str(raw).strip() == "":
        return None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        message = _("Thời gian xử lý phải là số ngày làm việc không âm.")
        raise ValidationFailed(message, [FieldError("allotment", "invalid", message)], code="invalid_inputs")
    return amount


def _part_due(dossier: Dossier, agency: Agency, values: Mapping[str, Any], now: datetime) -> datetime | None:
    """From the `allotment` input (working days), else the receiving agency's own process in force."""
    calendar = calendar_for(agency)
    amount = _allotment(values)
    if amount is None:
        try:
            template = process_in_force(dossier.procedure_version.procedure.procedure_code, agency.code, now)
        except NotFound:
            return None
        if template.agency_id != agency.pk:
            return None
        steps = _steps(template)
        edges = [(t.from_step, t.to_step) for t in template.transitions.all()]
        start = next(key for key, step in steps.items() if step.is_start)
        weights = {key: step.allotment_days for key, step in steps.items()}
        amount, _path = longest_path(weights, edges, start, [k for k, s in steps.items() if s.is_final])
    return clock.allotment_due(now, amount, str(AllotmentUnit.WORKING_DAYS), calendar)


def _close(part: DossierAgencyPart, now: datetime) -> dict[str, Any]:
    return {"agency_id": part.agency_id, "finished_at": now.isoformat(), "verdict": _verdict(now, part.due_at)}


def _handover(dossier: Dossier, row: Transition, values: Mapping[str, Any], now: datetime, link: Link) -> None:
    receiver = _recipient(values)
    part = open_part(dossier)
    giver = dossier.receiving_unit if row.source is DossierState.ACCEPTED else holder(dossier)
    if receiver is None or receiver.pk == giver.pk:
        return
    ops: dict[str, Any] = {}
    if part is not None:
        ops["close"] = _close(part, now)
    if receiver.pk != dossier.competent_agency_id:
        due = _part_due(dossier, receiver, values, now)
        ops["open"] = {"agency_id": receiver.pk, "started_at": now.isoformat(), "due_at": due and due.isoformat()}
    elif row.source is DossierState.IN_PROCESS:
        link.substate, link.sets_substate = _back_substate(dossier), True
    if ops:
        link.payload["parts"] = ops
    link.payload["handover"] = {
        "giver": giver.code,
        "giver_name": giver.name,
        "receiver": receiver.code,
        "receiver_name": receiver.name,
        "at": now.isoformat(),
        "note": str(values.get("note") or values.get("comment") or ""),
        "reference": str(values.get("reference") or ""),
        "verdict": ops["close"]["verdict"] if "close" in ops else "",
    }


def _back_substate(dossier: Dossier) -> ProcessingSubstate | None:
    """Back at the competent agency: the pinned step's sub-state, else assigned (or awaiting assignment)."""
    template = template_of(dossier)
    step = _steps(template).get(dossier.current_step) if template is not None else None
    if step is not None:
        return ProcessingSubstate(step.substate)
    return ProcessingSubstate.ASSIGNED if dossier.assignee_id else None


def _finish_parts(dossier: Dossier, now: datetime, link: Link) -> None:
    part = open_part(dossier)
    if part is not None:
        link.payload["parts"] = {"close": _close(part, now)}


# --- effects --------------------------------------------------------------------------------------
def effects(dossier: Dossier, row: Transition, move: StepMove | None, values: Mapping[str, Any], now: datetime) -> Link:
    """Projection changes and payload the process and the parts add to `row` at `now`."""
    link = Link()
    if row.action is Action.ACCEPT:
        _pin(dossier, now, link)
    if move is not None:
        _move(dossier, row, move, now, link)
    if row.action is Action.TRANSFER:
        _handover(dossier, row, values, now, link)
    elif row.action is Action.RESOLVE or row.target in TERMINAL_STATES:
        _finish_parts(dossier, now, link)
    if row.action is Action.RESOLVE or row.target in TERMINAL_STATES:
        _leave_process(dossier, row, now, link)
    if row.action is Action.RESUPPLY and row.target is DossierState.IN_PROCESS:
        _resume(dossier, row, now, link)
    return link

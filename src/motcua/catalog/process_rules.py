"""The process document and the rules a process must satisfy (OS-CAT-03).

A process document (docs/processes.md) is a plain dict; `export_process` turns a `ProcessTemplate`
into one and `normalize` gives any document its canonical shape. `validate_process` checks a
document or a template: one start step, every step reachable, no dead end, known keys, roles and
requirements, and the sum of allotments on the longest path (back edges such as send_back ignored)
within the statutory time limit of the procedure version in force (8 working hours = 1 working day).
Pure graph helpers (`forward_edges`, `longest_path`) take plain keys and numbers.
Services that write (import, publish, new version) are in `process_services`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, ProcedureVersion, TimeLimitUnit
from motcua.catalog.process_models import (
    HOURS_PER_DAY,
    AllotmentUnit,
    ProcessSubstate,
    ProcessTemplate,
    Requirement,
)
from motcua.catalog.versioning import NON_DRAFT, in_force_filter
from motcua.core.errors import FieldError
from motcua.organizations.models import Agency, Department, Role

KEY_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
Doc = dict[str, Any]


# --- documents -------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    value = value.quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value not in (None, "") else None)


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def normalize(doc: Mapping[str, Any]) -> Doc:
    """The canonical shape of a process document (defaults filled in); compare documents with it."""

    def step(s: Mapping[str, Any]) -> Doc:
        amount = _decimal(s.get("allotment", 0))
        return {
            "key": s.get("key"),
            "name": s.get("name", ""),
            "role": s.get("role"),
            "department": s.get("department") or "",
            "allotment": _number(amount) if amount is not None else s.get("allotment"),
            "unit": s.get("unit") or AllotmentUnit.WORKING_DAYS.value,
            "substate": s.get("substate") or ProcessSubstate.APPRAISING.value,
            "start": bool(s.get("start", False)),
            "final": bool(s.get("final", False)),
        }

    def transition(t: Mapping[str, Any]) -> Doc:
        keys = ("action", "name", "from", "to")
        return {k: t.get(k, "") for k in keys} | {"roles": t.get("roles") or [], "requires": t.get("requires") or []}

    return {
        "procedure": str(doc.get("procedure") or "").strip(),
        "agency": doc.get("agency") or None,
        "name": doc.get("name", ""),
        "description": doc.get("description") or "",
        "valid_from": _iso(doc.get("valid_from")),
        "valid_to": _iso(doc.get("valid_to")),
        "steps": [step(s) if isinstance(s, Mapping) else s for s in _list(doc.get("steps"))],
        "transitions": [transition(t) if isinstance(t, Mapping) else t for t in _list(doc.get("transitions"))],
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def export_process(template: ProcessTemplate) -> Doc:
    """The document of a template; `import_process(export_process(t))` gives the same content."""
    steps = [
        {
            "key": s.key,
            "name": s.name,
            "role": s.role,
            "department": s.department_code,
            "allotment": s.allotment,
            "unit": s.allotment_unit,
            "substate": s.substate,
            "start": s.is_start,
            "final": s.is_final,
        }
        for s in template.steps.all()
    ]
    transitions = [
        {
            "action": t.action,
            "name": t.name,
            "from": t.from_step,
            "to": t.to_step,
            "roles": t.roles,
            "requires": t.requires,
        }
        for t in template.transitions.all()
    ]
    return normalize(
        {
            "procedure": template.procedure.procedure_code,
            "agency": template.agency.code if template.agency_id else None,
            "name": template.name,
            "description": template.description,
            "valid_from": template.valid_from,
            "valid_to": template.valid_to,
            "steps": steps,
            "transitions": transitions,
        }
    )


# --- graph -----------------------------------------------------------------------------------


def forward_edges(edges: Sequence[tuple[str, str]], start: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Drop the back edges a depth-first search from `start` finds (send_back and other loops).

    Returns the remaining edges among the reachable steps and those steps in topological order."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
    state = {start: 1}  # 1: on the DFS stack, 2: finished
    back: set[tuple[str, str]] = set()
    postorder: list[str] = []
    stack = [(start, iter(succ[start]))]
    while stack:
        node, children = stack[-1]
        for child in children:
            seen = state.get(child)
            if seen == 1:
                back.add((node, child))
            elif seen is None:
                state[child] = 1
                stack.append((child, iter(succ[child])))
                break
        else:
            state[node] = 2
            postorder.append(node)
            stack.pop()
    kept = [(a, b) for a, b in edges if a in state and (a, b) not in back]
    return kept, postorder[::-1]


def longest_path(
    weights: Mapping[str, Decimal], edges: Sequence[tuple[str, str]], start: str, finals: Iterable[str]
) -> tuple[Decimal, list[str]]:
    """Heaviest start -> final path (weights on steps) over the forward edges; (0, []) if none."""
    kept, order = forward_edges(edges, start)
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in kept:
        succ[a].append(b)
    best: dict[str, Decimal] = {start: weights[start]}
    prev: dict[str, str] = {}
    for node in order:
        for child in succ[node]:
            total = best[node] + weights[child]
            if child not in best or total > best[child]:
                best[child], prev[child] = total, node
    ends = [f for f in finals if f in best]
    if not ends:
        return Decimal(0), []
    end = max(ends, key=lambda f: best[f])
    path = [end]
    while path[-1] in prev:
        path.append(prev[path[-1]])
    return best[end], path[::-1]


def _reachable(succ: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    seen, todo = set(roots), list(roots)
    while todo:
        for nxt in succ.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# --- validation ------------------------------------------------------------------------------


def _label(step: Mapping[str, Any]) -> str:
    return f"“{step.get('name') or step.get('key')}” ({step.get('key')})"


def _days(number: Decimal) -> str:
    return f"{number.normalize():f}".replace(".", ",")


class _Errors(list[FieldError]):
    def add(self, field: str, code: str, message: str, row: int | None = None) -> None:
        self.append(FieldError(field=field, code=code, message=message, row=row))


def _check_step(i: int, s: Doc, errors: _Errors) -> None:
    step = _label(s)
    if not str(s["name"]).strip():
        errors.add(f"steps[{i}].name", "required", _("Bước %(step)s chưa có tên.") % {"step": step})
    if s["role"] not in Role.values:
        message = _("Bước %(step)s: vai trò “%(role)s” không tồn tại.") % {"step": step, "role": s["role"]}
        errors.add(f"steps[{i}].role", "unknown_role", message)
    amount = _decimal(s["allotment"])
    if amount is None or amount < 0:
        message = _("Bước %(step)s: thời gian phải là số không âm.") % {"step": step}
        errors.add(f"steps[{i}].allotment", "invalid_allotment", message)
    if s["unit"] not in AllotmentUnit.values:
        message = _("Bước %(step)s: đơn vị thời gian “%(value)s” không hợp lệ.") % {"step": step, "value": s["unit"]}
        errors.add(f"steps[{i}].unit", "unknown_unit", message)
    if s["substate"] not in ProcessSubstate.values:
        value = s["substate"]
        message = _("Bước %(step)s: trạng thái xử lý “%(value)s” không hợp lệ.") % {"step": step, "value": value}
        errors.add(f"steps[{i}].substate", "unknown_substate", message)


def _check_steps(doc: Doc, errors: _Errors) -> dict[str, Doc]:
    steps: dict[str, Doc] = {}
    for i, s in enumerate(doc["steps"]):
        if not isinstance(s, dict) or not isinstance(s["key"], str) or not KEY_RE.match(s["key"]):
            message = _("Bước thứ %(n)s: mã bước phải gồm chữ thường không dấu, số, “_” hoặc “-”.") % {"n": i + 1}
            errors.add(f"steps[{i}].key", "invalid_key", message)
        elif s["key"] in steps:
            errors.add(f"steps[{i}].key", "duplicate_step", _("Mã bước “%(key)s” bị lặp.") % {"key": s["key"]})
        else:
            steps[s["key"]] = s
            _check_step(i, s, errors)
    starts = [_label(s) for s in steps.values() if s["start"]]
    if not starts:
        errors.add("steps", "start_step", _("Quy trình chưa có bước bắt đầu."))
    elif len(starts) > 1:
        errors.add(
            "steps", "start_step", _("Quy trình có nhiều bước bắt đầu: %(steps)s.") % {"steps": ", ".join(starts)}
        )
    if steps and not any(s["final"] for s in steps.values()):
        errors.add("steps", "no_final_step", _("Quy trình chưa có bước kết thúc."))
    return steps


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_transition(path: str, t: Doc, steps: Mapping[str, Doc], errors: _Errors) -> None:
    label = f"{t['from']} —{t['action']}→ {t['to']}"
    for end in ("from", "to"):
        if t[end] not in steps:
            message = _("Chuyển bước %(t)s: không có bước mã “%(key)s”.") % {"t": label, "key": t[end]}
            errors.add(f"{path}.{end}", "unknown_step", message)
    for role in _values(t["roles"]):
        if role not in Role.values:
            message = _("Chuyển bước %(t)s: vai trò “%(role)s” không tồn tại.") % {"t": label, "role": role}
            errors.add(f"{path}.roles", "unknown_role", message)
    for need in _values(t["requires"]):
        if need not in Requirement.values:
            message = _("Chuyển bước %(t)s: yêu cầu “%(value)s” không hợp lệ (chỉ “comment”, “attachment”).") % {
                "t": label,
                "value": need,
            }
            errors.add(f"{path}.requires", "unknown_requirement", message)
    if not str(t["name"]).strip():
        errors.add(f"{path}.name", "required", _("Chuyển bước %(t)s chưa có tên.") % {"t": label})


def _check_transitions(doc: Doc, steps: Mapping[str, Doc], errors: _Errors) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for i, t in enumerate(doc["transitions"]):
        path = f"transitions[{i}]"
        if not isinstance(t, dict) or not isinstance(t["action"], str) or not KEY_RE.match(t["action"]):
            message = _("Chuyển bước thứ %(n)s: mã thao tác không hợp lệ.") % {"n": i + 1}
            errors.add(f"{path}.action", "invalid_action", message)
            continue
        _check_transition(path, t, steps, errors)
        triple = (t["from"], t["action"], t["to"])
        if triple in seen:
            errors.add(path, "duplicate_transition", _("Chuyển bước %(t)s bị lặp.") % {"t": " —".join(triple)})
        seen.add(triple)
        if t["from"] in steps and t["to"] in steps:
            edges.append((t["from"], t["to"]))
    return edges


def _check_graph(steps: Mapping[str, Doc], edges: Sequence[tuple[str, str]], errors: _Errors) -> None:
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
        pred[b].append(a)
    starts = [k for k, s in steps.items() if s["start"]]
    reachable = _reachable(succ, starts[:1])
    finishing = _reachable(pred, [k for k, s in steps.items() if s["final"]])
    for i, (key, step) in enumerate(steps.items()):
        where = {"step": _label(step)}
        if starts and key not in reachable:
            message = _("Bước %(step)s không thể đến được từ bước bắt đầu.") % where
            errors.add(f"steps[{i}]", "unreachable_step", message)
        if not step["final"] and not succ[key]:
            message = _("Bước %(step)s không phải bước kết thúc nhưng không có chuyển bước nào đi ra.") % where
            errors.add(f"steps[{i}]", "dead_end", message)
        elif key not in finishing:
            message = _("Từ bước %(step)s không thể đi tới bước kết thúc nào.") % where
            errors.add(f"steps[{i}]", "dead_end", message)


def statutory_limit_days(version: ProcedureVersion | None) -> Decimal | None:
    """The time limit in working days; calendar days count 5/7, rounded down to half a day."""
    if version is None or version.time_limit_days is None:
        return None
    value = Decimal(version.time_limit_days)
    if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
        return value / HOURS_PER_DAY
    if version.time_limit_unit == TimeLimitUnit.DAYS:
        return (value * 10 / 7).to_integral_value(ROUND_FLOOR) / 2
    return value


def step_days(step: Mapping[str, Any]) -> Decimal:
    """A step's allotment in working days (a document step; 8 working hours a day)."""
    amount = _decimal(step.get("allotment")) or Decimal(0)
    return amount / HOURS_PER_DAY if step.get("unit") == AllotmentUnit.WORKING_HOURS else amount


def _check_time(
    steps: Mapping[str, Doc], edges: Sequence[tuple[str, str]], version: ProcedureVersion | None, errors: _Errors
) -> None:
    limit = statutory_limit_days(version)
    starts = [k for k, s in steps.items() if s["start"]]
    if version is None or limit is None or len(starts) != 1:
        return
    weights = {k: step_days(s) for k, s in steps.items()}
    total, path = longest_path(weights, edges, starts[0], [k for k, s in steps.items() if s["final"]])
    if total <= limit:
        return
    message = _(
        "Tổng thời gian các bước trên nhánh dài nhất là %(total)s ngày làm việc (%(path)s), vượt thời hạn "
        "giải quyết %(limit)s %(unit)s (%(days)s ngày làm việc) của thủ tục %(code)s."
    ) % {
        "total": _days(total),
        "path": " → ".join(_label(steps[k]) for k in path),
        "limit": _days(Decimal(version.time_limit_days)),
        "unit": str(dict(TimeLimitUnit.choices)[version.time_limit_unit]).lower(),
        "days": _days(limit),
        "code": version.procedure.procedure_code,
    }
    errors.add("steps", "over_time_limit", message)


def _version_for(procedure: Procedure, day: dt.date | None) -> ProcedureVersion | None:
    """The version in force on `day` (today when None), else the latest published, else the latest."""
    versions = procedure.versions.select_related("procedure").prefetch_related("agencies")
    return (
        versions.filter(in_force_filter(day or timezone.localdate())).order_by("-valid_from", "-number").first()
        or versions.filter(status__in=NON_DRAFT).order_by("-number").first()
        or versions.order_by("-number").first()
    )


def _dates(doc: Doc, errors: _Errors) -> dt.date | None:
    try:
        start, end = (dt.date.fromisoformat(d) if d else None for d in (doc["valid_from"], doc["valid_to"]))
    except (TypeError, ValueError):
        errors.add("valid_from", "invalid_date", _("Ngày hiệu lực phải có dạng YYYY-MM-DD."))
        return None
    if start and end and end <= start:
        errors.add("valid_to", "invalid", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
    return start


def _check_agencies(doc: Doc, version: ProcedureVersion | None, steps: Mapping[str, Doc], errors: _Errors) -> None:
    """The agency must be competent for the procedure; department codes must exist in the agencies
    the process applies to (agencies without any department registered are not checked)."""
    agencies = list(version.agencies.all()) if version else []
    if doc["agency"] is not None:
        agency = Agency.objects.filter(code=doc["agency"]).first()
        if agency is None or (agencies and agency not in agencies):
            message = _("Cơ quan “%(code)s” không phải cơ quan giải quyết thủ tục %(procedure)s.") % {
                "code": doc["agency"],
                "procedure": doc["procedure"],
            }
            errors.add("agency", "unknown_agency", message)
            return
        agencies = [agency]
    known: dict[int, set[str]] = defaultdict(set)
    for agency_id, code in Department.objects.filter(agency__in=agencies).values_list("agency_id", "code"):
        known[agency_id].add(code)
    for i, step in enumerate(steps.values()):
        code = step["department"]
        missing = [a.code for a in agencies if code and known[a.pk] and code not in known[a.pk]]
        if missing:
            message = _("Bước %(step)s: không có phòng, đơn vị “%(dept)s” ở cơ quan %(agencies)s.") % {
                "step": _label(step),
                "dept": code,
                "agencies": ", ".join(missing),
            }
            errors.add(f"steps[{i}].department", "unknown_department", message)


def validate_process(
    process: ProcessTemplate | Mapping[str, Any], *, procedure_version: ProcedureVersion | None = None
) -> list[FieldError]:
    """Every problem of a process, in Vietnamese; empty when it may be published (OS-CAT-03).

    The time limit is that of `procedure_version`, or else of the procedure version in force on
    the process's `valid_from` (today when empty)."""
    doc = export_process(process) if isinstance(process, ProcessTemplate) else normalize(process)
    errors = _Errors()
    if not str(doc["name"]).strip():
        errors.add("name", "required", _("Quy trình chưa có tên."))
    steps = _check_steps(doc, errors)
    edges = _check_transitions(doc, steps, errors)
    start = _dates(doc, errors)
    procedure = Procedure.objects.filter(procedure_code=doc["procedure"]).first()
    if procedure is None:
        message = _("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": doc["procedure"]}
        errors.add("procedure", "unknown_procedure", message)
    version = procedure_version or (_version_for(procedure, start) if procedure else None)
    _check_agencies(doc, version, steps, errors)
    if steps:
        _check_graph(steps, edges, errors)
        _check_time(steps, edges, version, errors)
    return list(errors)

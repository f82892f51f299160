"""Internal processes as versioned data: import/export, publish, new version, in force (OS-CAT-03, -05).

The document format is in docs/processes.md; the rules a process must satisfy are in
`process_rules` (re-exported here). A template goes draft -> published -> retired with a half-open
validity period per (procedure, agency); publishing retires the template it replaces, and the
dossier layer pins the template `process_in_force` returns at intake and moves with `next_steps`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, VersionStatus
from motcua.catalog.process_models import (
    ProcessStep,
    ProcessTemplate,
    ProcessTransition,
    process_not_draft_error,
)
from motcua.catalog.process_rules import export_process, normalize, validate_process
from motcua.catalog.versioning import NON_DRAFT, _fmt, _local_date, _overlaps, in_force_filter
from motcua.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from motcua.organizations.models import Agency

__all__ = [
    "available_transitions",
    "dumps",
    "export_process",
    "import_process",
    "load_processes_file",
    "loads",
    "new_process_version",
    "next_steps",
    "process_in_force",
    "publish_process",
    "validate_process",
]


def dumps(data: Any, fmt: str = "yaml") -> str:
    """A document (or `{"processes": [...]}`) as YAML or JSON text."""
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def loads(text: str, fmt: str = "json") -> Any:
    """Parse YAML (safe_load only: no Python objects) or JSON; a Vietnamese error when malformed."""
    try:
        return yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        message = _("Tệp quy trình không đúng định dạng %(fmt)s: %(error)s") % {"fmt": fmt.upper(), "error": exc}
        raise ValidationFailed(message, code="invalid_format") from None


def _family(procedure: Procedure, agency: Agency | None) -> QuerySet[ProcessTemplate]:
    """All versions of the process of one procedure at one agency (or at any agency)."""
    return ProcessTemplate.objects.filter(procedure=procedure, agency=agency)


def _refuse(doc: Mapping[str, Any], errors: list[FieldError]) -> ValidationFailed:
    message = _("Quy trình “%(name)s” của thủ tục %(code)s có %(count)s lỗi; chưa ghi gì vào cơ sở dữ liệu.") % {
        "name": doc.get("name", ""),
        "code": doc.get("procedure", ""),
        "count": len(errors),
    }
    return ValidationFailed(message, errors, code="invalid_process")


def _write(doc: Mapping[str, Any], procedure: Procedure, agency: Agency | None) -> ProcessTemplate:
    template = ProcessTemplate.objects.create(
        procedure=procedure,
        agency=agency,
        number=(_family(procedure, agency).aggregate(last=Max("number"))["last"] or 0) + 1,
        name=doc["name"],
        description=doc["description"],
        valid_from=dt.date.fromisoformat(doc["valid_from"]) if doc["valid_from"] else None,
        valid_to=dt.date.fromisoformat(doc["valid_to"]) if doc["valid_to"] else None,
    )
    for order, s in enumerate(doc["steps"], start=1):
        ProcessStep.objects.create(
            template=template,
            order=order,
            key=s["key"],
            name=s["name"],
            role=s["role"],
            department_code=s["department"],
            allotment=str(s["allotment"]),
            allotment_unit=s["unit"],
            substate=s["substate"],
            is_start=s["start"],
            is_final=s["final"],
        )
    for order, t in enumerate(doc["transitions"], start=1):
        ProcessTransition.objects.create(
            template=template,
            order=order,
            action=t["action"],
            name=t["name"],
            from_step=t["from"],
            to_step=t["to"],
            roles=list(t["roles"]),
            requires=list(t["requires"]),
        )
    return template


@transaction.atomic
def import_process(data: Mapping[str, Any] | str, fmt: str = "json", *, publish: bool = False) -> ProcessTemplate:
    """Create a draft from a process document (dict, or JSON/YAML text) and optionally publish it.

    Idempotent: when the latest non-retired version of the same (procedure, agency) already has
    exactly this content, that version is returned (and published if asked) and nothing is written.
    Raises ValidationFailed listing every problem (validate_process) before writing anything."""
    raw = loads(data, fmt) if isinstance(data, str) else data
    if not isinstance(raw, Mapping):
        raise ValidationFailed(_("Tài liệu quy trình phải là một đối tượng."), code="invalid_process")
    doc = normalize(raw)
    errors = validate_process(doc)
    if errors:
        raise _refuse(doc, errors)
    procedure = Procedure.objects.select_for_update().get(procedure_code=doc["procedure"])
    agency = Agency.objects.get(code=doc["agency"]) if doc["agency"] else None
    latest = _family(procedure, agency).exclude(status=VersionStatus.RETIRED).order_by("-number").first()
    template = latest if latest is not None and export_process(latest) == doc else _write(doc, procedure, agency)
    if publish and template.is_draft:
        publish_process(template)
    return template


def load_processes_file(path: Path | str, publish: bool = True) -> list[ProcessTemplate]:
    """Import every process of a YAML or JSON file (`{"processes": [...]}` or one process), all or none.

    Call from the demo seed: `load_processes_file(<demo data>/processes.yaml)`; a second call
    changes nothing."""
    path = Path(path)
    fmt = "yaml" if path.suffix.lower() in {".yaml", ".yml"} else "json"
    data = loads(path.read_text(encoding="utf-8"), fmt)
    docs = data.get("processes") if isinstance(data, Mapping) and "processes" in data else [data]
    if not isinstance(docs, list):
        raise ValidationFailed(_("“processes” phải là một danh sách quy trình."), code="invalid_process")
    with transaction.atomic():
        errors = [
            FieldError(field=f"processes[{i}].{e.field}", code=e.code, message=e.message)
            for i, doc in enumerate(docs)
            for e in (validate_process(doc) if isinstance(doc, Mapping) else [])
        ]
        if errors:
            message = _("Tệp %(file)s có %(count)s lỗi; chưa ghi gì vào cơ sở dữ liệu.")
            raise ValidationFailed(message % {"file": path.name, "count": len(errors)}, errors, code="invalid_process")
        return [import_process(doc, publish=publish) for doc in docs]


def _transition(template: ProcessTemplate, **changes: object) -> None:
    for name, value in changes.items():
        setattr(template, name, value)
    template._allow_transition = True  # type: ignore[attr-defined]
    try:
        template.save(update_fields=list(changes))
    finally:
        template._allow_transition = False  # type: ignore[attr-defined]


def _to_retire(template: ProcessTemplate) -> list[ProcessTemplate]:
    """Published versions that publishing `template` replaces; Conflict when periods would overlap."""
    start, end = template.valid_from, template.valid_to
    assert start is not None
    replaced = []
    others = _family(template.procedure, template.agency).filter(status__in=NON_DRAFT).exclude(pk=template.pk)
    for other in others.exclude(valid_from=None).order_by("valid_from"):
        o_start, o_end = other.valid_from, other.valid_to
        assert o_start is not None
        if other.status == VersionStatus.PUBLISHED and o_start < start and (o_end is None or o_end > start):
            replaced.append(other)
        elif _overlaps(start, end, o_start, o_end):
            message = _(
                "Thời gian hiệu lực %(from)s – %(to)s trùng với quy trình phiên bản %(number)s "
                "(hiệu lực %(ofrom)s – %(oto)s)."
            ) % {
                "from": _fmt(start),
                "to": _fmt(end),
                "number": other.number,
                "ofrom": _fmt(o_start),
                "oto": _fmt(o_end),
            }
            raise Conflict("validity_overlap", message, version=other.number)
    return replaced


@transaction.atomic
def publish_process(template: ProcessTemplate) -> ProcessTemplate:
    """Publish a draft that passes validate_process; retire the version it replaces (OS-CAT-05)."""
    Procedure.objects.select_for_update().get(pk=template.procedure_id)  # one publisher per procedure
    template.refresh_from_db()
    if not template.is_draft:
        raise process_not_draft_error(template)
    errors = validate_process(template)
    if template.valid_from is None:
        errors.append(FieldError(field="valid_from", code="required", message=_("Chưa có ngày bắt đầu hiệu lực.")))
    if errors:
        raise _refuse(export_process(template), errors)
    now = timezone.now()
    for previous in _to_retire(template):
        _transition(previous, status=VersionStatus.RETIRED, valid_to=template.valid_from, retired_at=now)
    _transition(template, status=VersionStatus.PUBLISHED, published_at=now)
    return template


@transaction.atomic
def new_process_version(template: ProcessTemplate) -> ProcessTemplate:
    """Clone a template with its steps and transitions into a new draft (no validity dates)."""
    Procedure.objects.select_for_update().get(pk=template.procedure_id)
    doc = export_process(template) | {"valid_from": None, "valid_to": None}
    return _write(doc, template.procedure, template.agency)


def process_in_force(
    procedure_code: str, agency_code: str | None = None, at: dt.datetime | dt.date | None = None
) -> ProcessTemplate:
    """The template a dossier received at `at` (default now) by `agency_code` must pin.

    The agency's own template wins over the one for any agency; NotFound when there is neither."""
    day = _local_date(at)
    found = ProcessTemplate.objects.filter(in_force_filter(day), procedure__procedure_code=procedure_code.strip())
    found = found.filter(Q(agency__code=agency_code) | Q(agency=None)) if agency_code else found.filter(agency=None)
    found = found.select_related("procedure", "agency").prefetch_related("steps", "transitions")
    # One query: the agency's own template sorts before the generic one (NULL agency last).
    template = found.order_by(F("agency_id").asc(nulls_last=True), "-valid_from", "-number").first()
    if template is None:
        message = _("Thủ tục %(code)s chưa có quy trình nội bộ có hiệu lực vào ngày %(day)s.") % {
            "code": procedure_code,
            "day": _fmt(day),
        }
        raise NotFound("process_not_in_force", message)
    return template


def available_transitions(template: ProcessTemplate, step_key: str, roles: Collection[str]) -> list[ProcessTransition]:
    """Transitions out of `step_key` that an official holding `roles` may take.

    A transition with no roles listed may be taken by the role that performs its source step."""
    steps = {s.key: s for s in template.steps.all()}
    if step_key not in steps:
        return []
    held = set(roles)
    return [
        t
        for t in template.transitions.all()
        if t.from_step == step_key and held & set(t.roles or [steps[step_key].role])
    ]


def next_steps(template: ProcessTemplate, step_key: str, action: str, roles: Collection[str]) -> list[ProcessStep]:
    """The steps that `action` taken at `step_key` by an official holding `roles` may lead to
    (usually one; empty when the action is not allowed there)."""
    steps = {s.key: s for s in template.steps.all()}
    return [steps[t.to_step] for t in available_transitions(template, step_key, roles) if t.action == action]

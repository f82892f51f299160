"""Version lifecycle of a procedure: publish, retire, clone, and the version in force (OS-CAT-05).

Periods are half-open [valid_from, valid_to). A version counts for "in force" once it has left the
draft state: a retired version still answers for the dates inside its period, so a dossier received
last year pins last year's rules.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    Channel,
    Fee,
    LegalBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    ResultDocument,
    ServiceMode,
    VersionStatus,
    not_draft_error,
)
from motcua.core.errors import Conflict, FieldError, NotFound, ValidationFailed

NON_DRAFT = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
CHILD_MODELS = (RequiredDocument, Fee, LegalBasis, ResultDocument)


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else _("không thời hạn")


def in_force_filter(day: dt.date, prefix: str = "") -> Q:
    """Q for versions in force on `day` (non-draft, day inside [valid_from, valid_to))."""
    return (
        Q(**{f"{prefix}status__in": NON_DRAFT, f"{prefix}valid_from__lte": day})
        & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day}))
        & Q(**{f"{prefix}valid_from__isnull": False})
    )


def completeness_errors(version: ProcedureVersion) -> list[FieldError]:
    """What a version lacks before it may be published (OS-CAT-01, OS-CAT-06)."""
    missing: list[FieldError] = []

    def need(ok: bool, field: str, message: str) -> None:
        if not ok:
            missing.append(FieldError(field=field, code="required", message=message))

    need(bool(version.name.strip()), "name", _("Chưa có tên thủ tục."))
    need(version.sector_id is not None, "sector", _("Chưa chọn lĩnh vực."))
    need(bool(version.levels), "levels", _("Chưa chọn cấp thực hiện."))
    need(bool(version.channels), "channels", _("Chưa chọn kênh tiếp nhận."))
    need(version.time_limit_days is not None, "time_limit_days", _("Chưa có thời hạn giải quyết."))
    need(version.valid_from is not None, "valid_from", _("Chưa có ngày bắt đầu hiệu lực."))
    if version.valid_from and version.valid_to and version.valid_to <= version.valid_from:
        need(False, "valid_to", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
    online = Channel.ONLINE in version.channels
    if version.service_mode != ServiceMode.OFFLINE and not online:
        need(False, "channels", _("Dịch vụ công trực tuyến phải có kênh tiếp nhận trực tuyến."))
    if version.service_mode == ServiceMode.OFFLINE and online:
        need(False, "service_mode", _("Thủ tục chỉ tiếp nhận trực tiếp không thể có kênh trực tuyến."))
    return missing


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    if (a_to is not None and a_to <= a_from) or (b_to is not None and b_to <= b_from):
        return False  # an empty period overlaps nothing
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def plan_publication(version: ProcedureVersion) -> list[ProcedureVersion]:
    """Return the published versions that publishing `version` retires; raise Conflict on overlap."""
    start, end = version.valid_from, version.valid_to
    assert start is not None
    to_retire = []
    others = version.procedure.versions.filter(status__in=NON_DRAFT).exclude(pk=version.pk).order_by("valid_from")
    for other in others:
        o_start, o_end = other.valid_from, other.valid_to
        if o_start is None:
            continue
        if other.status == VersionStatus.PUBLISHED and o_start < start and (o_end is None or o_end > start):
            to_retire.append(other)  # the version being replaced: it ends where the new one starts
        elif _overlaps(start, end, o_start, o_end):
            raise Conflict(
                "validity_overlap",
                _(
                    "Thời gian hiệu lực %(from)s – %(to)s trùng với phiên bản %(number)s đã công bố "
                    "(hiệu lực %(ofrom)s – %(oto)s) của thủ tục %(code)s."
                )
                % {
                    "from": _fmt(start),
                    "to": _fmt(end),
                    "number": other.number,
                    "ofrom": _fmt(o_start),
                    "oto": _fmt(o_end),
                    "code": version.procedure.procedure_code,
                },
                version=other.number,
            )
    return to_retire


def _transition(version: ProcedureVersion, **changes: object) -> None:
    for name, value in changes.items():
        setattr(version, name, value)
    version._allow_transition = True  # type: ignore[attr-defined]
    try:
        version.save(update_fields=[*changes, "name_folded", "search_text", "levels_key", "name"])
    finally:
        version._allow_transition = False  # type: ignore[attr-defined]


@transaction.atomic
def publish(version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft: check completeness and overlap, retire the version it replaces."""
    Procedure.objects.select_for_update().get(pk=version.procedure_id)  # one publisher per procedure
    version.refresh_from_db()
    if not version.is_draft:
        raise not_draft_error(version)
    missing = completeness_errors(version)
    if missing:
        raise ValidationFailed(
            _("Phiên bản %(number)s chưa đủ thông tin để công bố.") % {"number": version.number}, missing
        )
    now = timezone.now()
    for previous in plan_publication(version):
        _transition(previous, status=VersionStatus.RETIRED, valid_to=version.valid_from, retired_at=now)
    _transition(version, status=VersionStatus.PUBLISHED, published_at=now)
    if version.procedure.name != version.name:
        version.procedure.name = version.name
        version.procedure.save(update_fields=["name"])
    return version


@transaction.atomic
def retire(version: ProcedureVersion, on: dt.date | None = None) -> ProcedureVersion:
    """End a published version's validity on `on` (default today); it stays in force before that day."""
    version.refresh_from_db()
    on = on or timezone.localdate()
    if version.status != VersionStatus.PUBLISHED:
        raise Conflict("version_not_published", _("Chỉ phiên bản đang công bố mới có thể cho hết hiệu lực."))
    if version.valid_from and on < version.valid_from:
        raise Conflict(
            "invalid_retire_date",
            _("Ngày hết hiệu lực %(on)s trước ngày bắt đầu hiệu lực %(from)s.")
            % {"on": _fmt(on), "from": _fmt(version.valid_from)},
        )
    if version.valid_to and on > version.valid_to:
        on = version.valid_to  # never lengthen a period already closed
    _transition(version, status=VersionStatus.RETIRED, valid_to=on, retired_at=timezone.now())
    return version


def _clone_children(source: ProcedureVersion, target: ProcedureVersion) -> None:
    for model in CHILD_MODELS:
        for row in model.objects.filter(version=source).order_by("order", "id"):
            row.pk = None
            row.id = None
            row._state.adding = True
            row.version = target
            row.save()


@transaction.atomic
def new_version(version: ProcedureVersion) -> ProcedureVersion:
    """Clone `version` with its rows and agencies into a new draft numbered after the last one."""
    Procedure.objects.select_for_update().get(pk=version.procedure_id)
    source = ProcedureVersion.objects.get(pk=version.pk)
    agencies = list(source.agencies.all())
    clone = ProcedureVersion.objects.get(pk=version.pk)
    clone.pk = None
    clone.id = None
    clone._state.adding = True
    clone.number = next_number(source.procedure)
    clone.status = VersionStatus.DRAFT
    clone.valid_from = None
    clone.valid_to = None
    clone.published_at = None
    clone.retired_at = None
    clone.save()
    clone.agencies.set(agencies)
    _clone_children(source, clone)
    return clone


def next_number(procedure: Procedure) -> int:
    return (procedure.versions.aggregate(last=Max("number"))["last"] or 0) + 1


def _local_date(at: dt.datetime | dt.date | None) -> dt.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, dt.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def unknown_procedure(code: str) -> NotFound:
    return NotFound("unknown_procedure", _("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code})


def version_in_force(
    procedure_code: str, at: dt.datetime | dt.date | None = None, *, relations: tuple[str, ...] | None = None
) -> ProcedureVersion:
    """The version a dossier received at `at` (default now, Asia/Ho_Chi_Minh date) must pin.

    `relations` narrows what is prefetched (intake needs only agencies and documents); the
    default loads everything a procedure page shows."""
    day = _local_date(at)
    code = procedure_code.strip()
    found = (
        versions_with_relations(
            ProcedureVersion.objects.filter(in_force_filter(day), procedure__procedure_code=code), relations
        )
        .order_by("-valid_from", "-number")
        .first()
    )
    if found is None:
        # Only the failure path pays for telling "unknown" from "not in force".
        procedure = Procedure.objects.filter(procedure_code=code).first()
        if procedure is None:
            raise unknown_procedure(procedure_code)
        raise NotFound(
            "procedure_not_in_force",
            _("Thủ tục %(code)s không có phiên bản nào có hiệu lực vào ngày %(day)s.")
            % {"code": procedure.procedure_code, "day": _fmt(day)},
        )
    return found


ALL_RELATIONS = ("agencies", "documents", "fees", "legal_bases", "results")


def versions_with_relations(
    queryset: QuerySet[ProcedureVersion], relations: tuple[str, ...] | None = None
) -> QuerySet[ProcedureVersion]:
    return queryset.select_related("procedure", "sector").prefetch_related(
        *(ALL_RELATIONS if relations is None else relations)
    )

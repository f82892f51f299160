"""Import procedures from the national catalogue's layout (OS-CAT-01, OS-CAT-02): all rows or none.

1. read the file and map every record, collecting every error (nothing written yet);
2. check what needs the database: unknown agency codes, duplicate MATTHC;
3. write everything in one transaction, each procedure in a savepoint so that a publication
   conflict on one row is reported with its row number while the others are still checked;
   any error (or --dry-run) rolls the whole transaction back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.importer.mapping import ProcedureData, map_record
from motcua.catalog.importer.readers import read_file
from motcua.catalog.importer.writer import write_procedure
from motcua.core.errors import DomainError, FieldError, ValidationFailed
from motcua.organizations.models import Agency

# Publication checks name model fields; the importer reports them under the file's keys.
FIELD_TO_KEY = {
    "name": "TENTTHC",
    "sector": "LINHVUCTHUCHIEN",
    "levels": "CAPTHUCHIEN",
    "channels": "CACHTHUCTHUCHIEN",
    "time_limit_days": "CACHTHUCTHUCHIEN.THOIGIAN.THOIGIANGIAIQUYET",
    "valid_from": "MOTCUA.HIEU_LUC_TU",
    "valid_to": "MOTCUA.HIEU_LUC_TU",
    "service_mode": "MOTCUA.MUC_DO",
}


@dataclass
class ImportResult:
    created: int = 0  # procedures new to the catalogue
    updated: int = 0  # procedures that got a new version (or whose draft was rewritten)
    unchanged: int = 0
    published: int = 0
    dry_run: bool = False
    errors: list[FieldError] = field(default_factory=list)
    actions: list[tuple[int, str, str]] = field(default_factory=list)  # (row, MATTHC, action)

    @property
    def ok(self) -> bool:
        return not self.errors

    def report_lines(self) -> list[str]:
        lines = [format_error(error) for error in self.errors]
        lines.append(
            _("Tạo mới: %(c)s, cập nhật: %(u)s, không đổi: %(n)s, công bố: %(p)s%(dry)s.")
            % {
                "c": self.created,
                "u": self.updated,
                "n": self.unchanged,
                "p": self.published,
                "dry": _(" (chạy thử, không ghi gì)") if self.dry_run else "",
            }
        )
        return lines


def format_error(error: FieldError) -> str:
    where = []
    if error.row is not None:
        where.append(f"row {error.row}")
    if error.field:
        where.append(f"field {error.field}")
    prefix = ", ".join(where)
    return f"{prefix}: {error.message}" if prefix else str(error.message)


def _check_references(mapped: list[ProcedureData]) -> list[FieldError]:
    errors: list[FieldError] = []
    codes = {code for data in mapped for code, _loc in data.agency_refs}
    known = set(Agency.objects.filter(code__in=codes).values_list("code", flat=True))
    first_row: dict[str, int] = {}
    for data in mapped:
        for code, loc in data.agency_refs:
            if code not in known:
                message = _("không có cơ quan nào có mã định danh “%(code)s”") % {"code": code}
                errors.append(FieldError(row=loc.row, field=loc.path, code="unknown_agency", message=message))
        if data.procedure_code in first_row:
            message = _("mã thủ tục %(code)s trùng với dòng %(first)s") % {
                "code": data.procedure_code,
                "first": first_row[data.procedure_code],
            }
            errors.append(FieldError(row=data.row, field="MATTHC", code="duplicate", message=message))
        elif data.procedure_code:
            first_row[data.procedure_code] = data.row
    return errors


def validate_file(
    source: str | Path | IO[bytes], fmt: str | None = None
) -> tuple[list[ProcedureData], list[FieldError]]:
    """Read and check a file without writing anything."""
    read = read_file(source, fmt)
    errors = list(read.errors)
    mapped = []
    for row, record in read.records:
        data, row_errors = map_record(row, record)
        errors += row_errors
        if data is not None:
            mapped.append(data)
    errors += _check_references(mapped)
    errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    return mapped, errors


def _row_errors(data: ProcedureData, exc: DomainError) -> list[FieldError]:
    if not exc.fields:
        field_name = "MOTCUA.HIEU_LUC_TU" if exc.code == "validity_overlap" else "MATTHC"
        return [FieldError(row=data.row, field=field_name, code=exc.code, message=exc.message)]
    return [
        FieldError(row=data.row, field=FIELD_TO_KEY.get(f.field, f.field), code=f.code, message=f.message)
        for f in exc.fields
    ]


def _write_all(mapped: list[ProcedureData], result: ImportResult, publish: bool) -> None:
    today = timezone.localdate()
    for data in mapped:
        try:
            with transaction.atomic():
                action, was_published = write_procedure(data, publish=publish, today=today)
        except DomainError as exc:
            result.errors += _row_errors(data, exc)
            continue
        result.actions.append((data.row, data.procedure_code, action))
        setattr(result, action, getattr(result, action) + 1)
        result.published += int(was_published)


def import_procedures(
    source: str | Path | IO[bytes],
    *,
    fmt: str | None = None,
    publish: bool = False,
    dry_run: bool = False,
    raise_on_error: bool = True,
) -> ImportResult:
    """Import a JSON, CSV or XLSX catalogue file; all procedures or none.

    Unchanged procedures are left alone; a changed one gets a new draft version (published at
    MOTCUA.HIEU_LUC_TU, default today, with `publish=True`). On any error nothing is written and
    ValidationFailed is raised with one FieldError(row=..., field=...) per problem (or, with
    `raise_on_error=False`, the errors are returned in the result).
    """
    result = ImportResult(dry_run=dry_run)
    mapped, result.errors = validate_file(source, fmt)
    if not result.errors:
        with transaction.atomic():
            _write_all(mapped, result, publish)
            if result.errors or dry_run:
                transaction.set_rollback(True)
    if result.errors:
        result.created = result.updated = result.unchanged = result.published = 0
        if raise_on_error:
            raise ValidationFailed(
                _("Tệp nhập có %(n)s lỗi; chưa có thủ tục nào được ghi.") % {"n": len(result.errors)},
                result.errors,
                code="import_failed",
            )
    return result

"""Reports API (/api/v1/reports): the periodic report with drill-down, and the QĐ 766 index.

Thin: the figures come from `periodic.py` and `index766.py`, the scope from `scope.py`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.api.auth import token_or_session
from motcua.api.schemas import ErrorOut
from motcua.core.errors import FieldError, ValidationFailed
from motcua.dossiers.permissions import READ_SCOPE, require_scope
from motcua.reports import evaluation, index766, periodic
from motcua.reports.scope import report_scope

router = Router(auth=token_or_session)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportParams(Schema):
    agency: str | None = Field(
        None, description="Mã định danh cơ quan (gồm cả các cơ quan trực thuộc); bỏ trống: mọi cơ quan được xem."
    )
    from_: date = Field(..., alias="from", description="Ngày đầu kỳ (YYYY-MM-DD, giờ địa phương).")
    to: date = Field(..., description="Ngày cuối kỳ, tính cả ngày này.")
    group_by: str = Field("agency", description="`agency`, `level`, `sector` hoặc `procedure`.")
    include_parts: bool | None = Field(
        None,
        description="Tính phần việc liên thông của từng cơ quan (mặc định: có khi nhóm theo cơ quan hoặc cấp).",
    )


class ColumnOut(Schema):
    key: str
    code: str = Field(..., description="Ký hiệu cột theo mẫu báo cáo (A, B, C1, ...).")
    label: str
    formula: str


class RowOut(Schema):
    key: str = Field(..., description="Khóa dòng, dùng cho `cells` (trống: dòng tổng).")
    code: str
    label: str
    figures: dict[str, int]
    on_time_rate: float | None = Field(None, description="(D1 + D2) / D, phần trăm.")


class ReportOut(Schema):
    period_from: date
    period_to: date
    group_by: str
    include_parts: bool
    columns: list[ColumnOut]
    identities: list[str] = Field(..., description="Các đẳng thức đã được kiểm tra trên mọi dòng.")
    rows: list[RowOut]
    total: RowOut


class CellParams(ReportParams):
    column: str = Field(..., description="Khóa cột, ví dụ `overdue`.")
    key: str = Field("", description="Khóa dòng; trống: dòng tổng.")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class CellDossierOut(Schema):
    code: str
    agency: str
    part_seq: int = Field(..., description="0: hồ sơ tại cơ quan có thẩm quyền; khác 0: phần việc liên thông.")
    accepted_at: datetime
    finished_at: datetime | None
    verdict: str


class CellOut(Schema):
    column: str
    count: int
    items: list[CellDossierOut]


class IndexParams(Schema):
    agency: str | None = Field(None, description="Mã định danh cơ quan; bỏ trống: toàn tỉnh (trong phạm vi được xem).")
    month: str = Field(..., description="Tháng, dạng YYYY-MM.", pattern=r"^\d{4}-\d{2}$")


class IndicatorOut(Schema):
    code: str
    name: str
    formula: str
    inputs: dict[str, Any]
    rate: float | None
    threshold: float | None
    max_points: float | None
    points: float | None
    note: str
    available: bool = Field(True, description="false: nền tảng không có dữ liệu, quản trị viên nhập từ nguồn khác.")


class IndexOut(Schema):
    month: date
    agency: str | None
    points: float
    max_points: float
    indicators: list[IndicatorOut]


def row_out(row: periodic.Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "code": row.code,
        "label": str(row.label),
        "figures": row.figures,
        "on_time_rate": row.on_time_rate,
    }


def report_body(report: periodic.Report) -> dict[str, Any]:
    return {
        "period_from": report.period.first,
        "period_to": report.period.last,
        "group_by": report.group_by,
        "include_parts": report.include_parts,
        "columns": [
            {"key": c.key, "code": c.code, "label": str(c.label), "formula": c.formula} for c in report.columns
        ],
        "identities": [name for name, _left, _right in periodic.IDENTITIES],
        "rows": [row_out(row) for row in report.rows],
        "total": row_out(report.total),
    }


@router.get("/procedure-results", response={200: ReportOut, **ERRORS}, summary="Báo cáo kết quả giải quyết TTHC")
def procedure_results(request: HttpRequest, params: Query[ReportParams]) -> Any:
    """Báo cáo định kỳ (RPT-PER): tiếp nhận (kỳ trước chuyển qua, mới trực tuyến / trực tiếp / BCCI),
    đã giải quyết (trước hạn, đúng hạn, quá hạn), đang giải quyết (chưa đến hạn, quá hạn), rút / dừng.
    Các đẳng thức A = B + C = D + E + F... được kiểm tra trên mọi dòng."""
    require_scope(request, READ_SCOPE)
    ids, _agency = report_scope(request.user, params.agency)
    period = periodic.make_period(params.from_, params.to)
    report = periodic.periodic_report(
        period, group_by=params.group_by, agency_ids=ids, include_parts=params.include_parts
    )
    return report_body(report)


@router.get("/procedure-results/cells", response={200: CellOut, **ERRORS}, summary="Hồ sơ của một ô báo cáo")
def procedure_result_cell(request: HttpRequest, params: Query[CellParams]) -> Any:
    """Danh sách mã hồ sơ đứng sau một ô của báo cáo (trong phạm vi người dùng được xem)."""
    require_scope(request, READ_SCOPE)
    ids, _agency = report_scope(request.user, params.agency)
    period = periodic.make_period(params.from_, params.to)
    count, items = periodic.cell_dossiers(
        period,
        params.column,
        group_by=params.group_by,
        key=params.key,
        agency_ids=ids,
        include_parts=params.include_parts,
        limit=params.limit,
        offset=params.offset,
    )
    return {"column": params.column, "count": count, "items": items}


def parse_month(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        message = _("Tháng không hợp lệ (YYYY-MM).")
        raise ValidationFailed(message, [FieldError("month", "invalid", message)]) from None


@router.get("/index-766", response={200: IndexOut, **ERRORS}, summary="Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
def index_766(request: HttpRequest, params: Query[IndexParams]) -> Any:
    """Bộ chỉ số QĐ 766 theo tháng, mỗi chỉ tiêu kèm công thức, số liệu đầu vào, tỷ lệ và điểm."""
    require_scope(request, READ_SCOPE)
    ids, agency = report_scope(request.user, params.agency)
    result = index766.index_766(parse_month(params.month), ids)
    return {
        "month": result.month,
        "agency": agency.code if agency else None,
        "points": result.points,
        "max_points": result.max_points,
        "indicators": [
            {**i.__dict__, "name": str(i.name), "formula": str(i.formula), "note": str(i.note)}
            for i in result.indicators
        ],
    }


class EvaluationParams(Schema):
    agency: str | None = Field(None, description="Mã định danh cơ quan (gồm cả các cơ quan trực thuộc).")
    from_: date = Field(..., alias="from", description="Ngày đầu kỳ (YYYY-MM-DD).")
    to: date = Field(..., description="Ngày cuối kỳ, tính cả ngày này.")


class EvaluationOut(Schema):
    key: int
    label: str
    dossiers: int = Field(..., description="Số hồ sơ có kết quả trong kỳ được chấm.")
    indices: dict[int, float | None] = Field(..., description="Điểm từng chỉ số (1-9); null: không có dữ liệu.")
    total: float
    max_total: int
    rating: str
    inputs: dict[str, Any]


class EvaluationsOut(Schema):
    period_from: date
    period_to: date
    agencies: list[EvaluationOut]
    officials: list[EvaluationOut]


def _evaluation_out(item: evaluation.Evaluation) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "dossiers": item.dossiers,
        "indices": item.indices,
        "total": item.total,
        "max_total": item.max_total,
        "rating": str(item.rating),
        "inputs": item.inputs,
    }


@router.get(
    "/evaluation-t01", response={200: EvaluationsOut, **ERRORS}, summary="Đánh giá giải quyết TTHC (TT 01/2018)"
)
def evaluation_t01(request: HttpRequest, params: Query[EvaluationParams]) -> Any:
    """Điểm 9 chỉ số theo TT 01/2018 của từng cơ quan và từng cán bộ trong kỳ (RPT-T01), kèm xếp loại."""
    require_scope(request, READ_SCOPE)
    ids, _agency = report_scope(request.user, params.agency)
    period = periodic.make_period(params.from_, params.to)
    return {
        "period_from": period.first,
        "period_to": period.last,
        "agencies": [_evaluation_out(e) for e in evaluation.agency_evaluations(period, ids)],
        "officials": [_evaluation_out(e) for e in evaluation.official_evaluations(period, ids)],
    }

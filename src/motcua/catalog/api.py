"""Public read API of the procedure catalogue, mounted at /api/v1/procedures (OS-CAT-01, PTL)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import Field

from motcua.api.schemas import ErrorOut, PageParams
from motcua.catalog import search, versioning
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.schemas import (
    LevelName,
    ProcedureDetailOut,
    ProcedurePageOut,
    VersionOut,
    detail,
    summary,
)
from motcua.core.errors import NotFound

router = Router()


class ProcedureFilters(PageParams):
    q: str = Field("", max_length=200, description="Từ khóa (không cần dấu) hoặc mã thủ tục.")
    sector: str | None = Field(None, description="Mã lĩnh vực (H56-HT) hoặc mã lĩnh vực quốc gia (HT).")
    agency: str | None = Field(None, description="Mã định danh cơ quan thực hiện (QCVN 102).")
    level: LevelName | None = Field(None, description="Cấp thực hiện.")


@router.get(
    "",
    response=ProcedurePageOut,
    url_name="procedure_list",
    operation_id="procedure_list",
    summary="Tìm thủ tục hành chính đang có hiệu lực",
    auth=None,
)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilters]) -> dict[str, object]:
    page = search.search_procedures(
        filters.q,
        sector=filters.sector,
        agency=filters.agency,
        level=filters.level,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {"items": [summary(v) for v in page.items], "count": page.count, "limit": page.limit, "offset": page.offset}


def _procedure(procedure_code: str) -> Procedure:
    procedure = Procedure.objects.filter(procedure_code=procedure_code).first()
    if procedure is None:
        raise versioning.unknown_procedure(procedure_code)
    return procedure


@router.get(
    "/{procedure_code}",
    response={200: ProcedureDetailOut, 404: ErrorOut},
    url_name="procedure_detail",
    operation_id="procedure_detail",
    summary="Chi tiết thủ tục: phiên bản đang có hiệu lực hoặc phiên bản được chọn",
    auth=None,
)
def procedure_detail(request: HttpRequest, procedure_code: str, version: int | None = None) -> dict[str, object]:
    if version is None:
        return detail(versioning.version_in_force(procedure_code))
    procedure = _procedure(procedure_code)
    # Drafts are not public: they may still change.
    found = (
        versioning.versions_with_relations(procedure.versions.filter(number=version))
        .filter(status__in=versioning.NON_DRAFT)
        .first()
    )
    if found is None:
        raise NotFound(
            "unknown_version",
            _("Thủ tục %(code)s không có phiên bản %(number)s đã công bố.")
            % {"code": procedure_code, "number": version},
        )
    return detail(found)


@router.get(
    "/{procedure_code}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    url_name="procedure_versions",
    operation_id="procedure_versions",
    summary="Các phiên bản đã công bố của một thủ tục",
    auth=None,
)
def procedure_versions(request: HttpRequest, procedure_code: str) -> list[dict[str, object]]:
    procedure = _procedure(procedure_code)
    versions = ProcedureVersion.objects.filter(procedure=procedure, status__in=versioning.NON_DRAFT)
    return [
        {
            "version": v.number,
            "status": v.status,
            "name": v.name,
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
            "published_at": v.published_at,
            "retired_at": v.retired_at,
        }
        for v in versions.order_by("-number")
    ]

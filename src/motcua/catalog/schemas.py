"""API shapes of the procedure catalogue (published in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema

from motcua.catalog.models import ProcedureVersion

LevelName = Literal["central", "province", "district", "commune"]
ServiceModeName = Literal["online_full", "online_partial", "offline"]
ChannelName = Literal["counter", "postal", "online"]


class SectorOut(Schema):
    code: str
    field_code: str
    name: str


class AgencyOut(Schema):
    code: str
    name: str


class TimeLimitOut(Schema):
    value: float | None
    unit: Literal["working_days", "working_hours", "days"]
    description: str


class DocumentOut(Schema):
    code: str
    name: str
    case_group: str
    originals: int
    copies: int
    template_name: str
    template_url: str
    template_file: str | None
    e_form: bool


class FeeOut(Schema):
    code: str
    name: str
    kind: Literal["fee", "charge"]
    amount: int
    channel: Literal["all", "counter", "postal", "online"]
    is_exempt: bool
    exemption_text: str


class LegalBasisOut(Schema):
    number: str
    title: str
    issued_on: dt.date | None
    issuer: str


class ResultOut(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    procedure_code: str
    local_code: str
    name: str
    version: int
    status: Literal["draft", "published", "retired"]
    valid_from: dt.date | None
    valid_to: dt.date | None
    sector: SectorOut | None
    levels: list[LevelName]
    service_mode: ServiceModeName
    channels: list[ChannelName]
    time_limit: TimeLimitOut
    agencies: list[AgencyOut]


class ProcedureDetailOut(ProcedureSummaryOut):
    procedure_kind: str
    competent_agency_text: str
    receiving_place: str
    steps: str
    requirements: str
    publication_decision: str
    has_e_form: bool
    published_at: dt.datetime | None
    documents: list[DocumentOut]
    fees: list[FeeOut]
    legal_bases: list[LegalBasisOut]
    results: list[ResultOut]


class ProcedurePageOut(Schema):
    items: list[ProcedureSummaryOut]
    count: int
    limit: int
    offset: int


class VersionOut(Schema):
    version: int
    status: Literal["draft", "published", "retired"]
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    published_at: dt.datetime | None
    retired_at: dt.datetime | None


def summary(version: ProcedureVersion) -> dict[str, object]:
    """Plain dict for ProcedureSummaryOut; expects procedure, sector and agencies preloaded."""
    sector = version.sector
    return {
        "procedure_code": version.procedure.procedure_code,
        "local_code": version.procedure.local_code,
        "name": version.name,
        "version": version.number,
        "status": version.status,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "sector": {"code": sector.code, "field_code": sector.field_code, "name": sector.name} if sector else None,
        "levels": version.levels,
        "service_mode": version.service_mode,
        "channels": version.channels,
        "time_limit": {
            "value": float(version.time_limit_days) if version.time_limit_days is not None else None,
            "unit": version.time_limit_unit,
            "description": version.time_limit_description,
        },
        "agencies": [{"code": a.code, "name": a.name} for a in version.agencies.all()],
    }


def detail(version: ProcedureVersion) -> dict[str, object]:
    """Plain dict for ProcedureDetailOut; expects `versions_with_relations` prefetching."""
    data = summary(version)
    for name in (
        "procedure_kind",
        "competent_agency_text",
        "receiving_place",
        "steps",
        "requirements",
        "publication_decision",
        "has_e_form",
        "published_at",
    ):
        data[name] = getattr(version, name)
    data["documents"] = [
        {
            "code": d.code,
            "name": d.name,
            "case_group": d.case_group,
            "originals": d.originals,
            "copies": d.copies,
            "template_name": d.template_name,
            "template_url": d.template_url,
            "template_file": d.template_file.url if d.template_file else None,
            "e_form": d.e_form,
        }
        for d in version.documents.all()
    ]
    fee_fields = ("code", "name", "kind", "amount", "channel", "is_exempt", "exemption_text")
    data["fees"] = [{f: getattr(fee, f) for f in fee_fields} for fee in version.fees.all()]
    data["legal_bases"] = [
        {"number": b.number, "title": b.title, "issued_on": b.issued_on, "issuer": b.issuer}
        for b in version.legal_bases.all()
    ]
    data["results"] = [{"code": r.code, "name": r.name} for r in version.results.all()]
    return data

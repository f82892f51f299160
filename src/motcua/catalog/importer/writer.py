"""Write one mapped procedure: new procedure, new version, rewritten draft, or nothing at all."""

from __future__ import annotations

import datetime as dt

from motcua.catalog import versioning
from motcua.catalog.importer.mapping import ProcedureData
from motcua.catalog.models import (
    Fee,
    LegalBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    ResultDocument,
    Sector,
)
from motcua.organizations.codes import parse_agency_code
from motcua.organizations.models import Agency, AgencyLevel


def level1_code(agency_codes: list[str]) -> str:
    """The level-1 code (e.g. H56) that prefixes sector codes (OS-CAT-07)."""
    for code in agency_codes:
        parsed = parse_agency_code(code)
        if parsed:
            return parsed.level1
    # Procedures without a local competent agency: use the province's own level-1 code.
    for code in Agency.objects.filter(level=AgencyLevel.PROVINCE).order_by("code").values_list("code", flat=True):
        parsed = parse_agency_code(code)
        if parsed:
            return parsed.level1
    return ""


def sector_code(field_code: str, level1: str) -> str:
    if not level1 or field_code.startswith(f"{level1}-"):
        return field_code
    return f"{level1}-{field_code}"


def ensure_sector(data: ProcedureData) -> Sector:
    code = sector_code(data.sector_field_code, level1_code(data.agency_codes))
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        return Sector.objects.create(code=code, field_code=data.sector_field_code, name=data.sector_name)
    if sector.name != data.sector_name:
        sector.name = data.sector_name
        sector.save()
    return sector


def fill_version(version: ProcedureVersion, data: ProcedureData, sector: Sector) -> None:
    """Overwrite a draft version with `data`, child rows and agencies included."""
    for name in (
        "name",
        "procedure_kind",
        "levels",
        "competent_agency_text",
        "receiving_place",
        "steps",
        "time_limit_days",
        "time_limit_unit",
        "time_limit_description",
        "service_mode",
        "channels",
        "requirements",
        "publication_decision",
        "has_e_form",
        "valid_from",
    ):
        setattr(version, name, getattr(data, name))
    version.sector = sector
    version.national_payload = data.raw
    version.content_hash = data.fingerprint()
    version.save()
    version.agencies.set(Agency.objects.filter(code__in=data.agency_codes))
    for model in (RequiredDocument, Fee, LegalBasis, ResultDocument):
        for row in model.objects.filter(version=version):
            row.delete()  # one by one so each deletion is audited
    for order, doc in enumerate(data.documents):
        RequiredDocument.objects.create(version=version, order=order, **doc.__dict__)
    for order, fee in enumerate(data.fees):
        Fee.objects.create(version=version, order=order, **fee.__dict__)
    for order, basis in enumerate(data.legal_bases):
        LegalBasis.objects.create(version=version, order=order, **basis.__dict__)
    for order, result in enumerate(data.results):
        ResultDocument.objects.create(version=version, order=order, **result.__dict__)


def _procedure(data: ProcedureData) -> tuple[Procedure, bool]:
    procedure = Procedure.objects.select_for_update().filter(procedure_code=data.procedure_code).first()
    if procedure is None:
        procedure = Procedure.objects.create(
            procedure_code=data.procedure_code, local_code=data.local_code, name=data.name
        )
        return procedure, True
    if data.local_code and procedure.local_code != data.local_code:
        procedure.local_code = data.local_code
        procedure.save()
    return procedure, False


def write_procedure(data: ProcedureData, *, publish: bool, today: dt.date) -> tuple[str, bool]:
    """Apply one record; return (action, published) with action created / updated / unchanged."""
    procedure, is_new = _procedure(data)
    latest = procedure.versions.order_by("-number").first()
    if latest is not None and latest.content_hash == data.fingerprint():
        if publish and latest.is_draft:
            _publish(latest, today)
            return "updated", True
        return "unchanged", False
    if latest is not None and latest.is_draft:
        version = latest  # rewrite the pending draft rather than pile up drafts
    else:
        version = ProcedureVersion(procedure=procedure, number=versioning.next_number(procedure))
    fill_version(version, data, ensure_sector(data))
    if publish:
        _publish(version, today)
    return ("created" if is_new else "updated"), publish


def _publish(version: ProcedureVersion, today: dt.date) -> None:
    if version.valid_from is None:
        version.valid_from = today
        version.save()
    versioning.publish(version)

"""OS-CAT-03: the demo province's internal processes load and fit their procedures' time limits."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from importlib import resources

import pytest

from motcua.catalog import process_services as ps
from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.catalog.process_rules import longest_path, statutory_limit_days, step_days
from motcua.catalog.services import import_procedures
from motcua.core.models import AuditRecord
from motcua.organizations.services import load_agencies

pytestmark = pytest.mark.django_db

DATA = resources.files("motcua.demo").joinpath("data")


@pytest.fixture
def demo_catalogue():
    """Demo agencies (without their administrative units, which these tests do not need) and procedures."""
    agencies = json.loads(DATA.joinpath("agencies.json").read_text(encoding="utf-8"))
    for agency in agencies["agencies"]:
        agency.pop("admin_unit", None)
    load_agencies(agencies, password="x-long-password-1")
    with resources.as_file(DATA.joinpath("procedures.json")) as path:
        import_procedures(path, publish=True)


def _load():
    with resources.as_file(DATA.joinpath("processes.yaml")) as path:
        return ps.load_processes_file(path, publish=True)


def test_os_cat_03_every_demo_procedure_has_a_valid_published_process(demo_catalogue):
    templates = _load()
    assert len(templates) == 22
    assert all(t.status == VersionStatus.PUBLISHED for t in templates)
    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).prefetch_related("agencies")
    assert versions.count() == 22
    for version in versions:
        for agency in version.agencies.all():
            template = ps.process_in_force(version.procedure.procedure_code, agency.code, dt.date(2025, 7, 1))
            assert ps.validate_process(template, procedure_version=version) == [], template


def test_os_cat_03_demo_processes_use_their_time_limit_without_exceeding_it(demo_catalogue):
    exact = 0
    for template in _load():
        doc = ps.export_process(template)
        start = next(s["key"] for s in doc["steps"] if s["start"])
        finals = [s["key"] for s in doc["steps"] if s["final"]]
        weights = {s["key"]: step_days(s) for s in doc["steps"]}
        total, _path = longest_path(weights, [(t["from"], t["to"]) for t in doc["transitions"]], start, finals)
        version = ProcedureVersion.objects.get(procedure=template.procedure, status=VersionStatus.PUBLISHED)
        limit = statutory_limit_days(version)
        assert Decimal(0) < total <= limit, template
        exact += total == limit
        assert any(t["action"] == "send_back" for t in doc["transitions"]), template
    assert exact >= 20  # the demo allots the whole statutory time, as provinces do


def test_gen_03_loading_the_demo_processes_twice_changes_nothing(demo_catalogue):
    first = _load()
    records = AuditRecord.objects.count()
    assert [t.pk for t in _load()] == [t.pk for t in first]
    assert AuditRecord.objects.count() == records

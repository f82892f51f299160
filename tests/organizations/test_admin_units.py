"""ORG-02: the official two-tier list from 1/7/2025 is loaded completely, idempotently, audited."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.core.models import AuditRecord
from motcua.organizations.models import AdminUnit, AdminUnitKind, TierModel
from motcua.organizations.services import load_admin_units

pytestmark = pytest.mark.django_db


def _two_tier():
    return AdminUnit.objects.filter(tier_model=TierModel.TWO_TIER_2025)


def test_org_02_loader_counts_34_provinces_and_3321_communes_and_is_idempotent():
    first = load_admin_units()
    units = _two_tier()
    assert units.filter(parent=None).count() == 34 == first.provinces
    assert units.filter(kind__in=[AdminUnitKind.PROVINCE, AdminUnitKind.CITY]).count() == 34
    assert units.filter(kind=AdminUnitKind.CITY).count() == 6
    assert units.exclude(parent=None).count() == 3321 == first.communes
    assert units.filter(kind=AdminUnitKind.COMMUNE).count() == 2621
    assert units.filter(kind=AdminUnitKind.WARD).count() == 687
    assert units.filter(kind=AdminUnitKind.SPECIAL_ZONE).count() == 13
    assert first.created == 3355 and first.updated == 0
    assert not units.exclude(valid_from=date(2025, 7, 1)).exists()

    son_la = units.get(code="14")
    assert (
        son_la.name == "Tỉnh Sơn La" and son_la.kind == AdminUnitKind.PROVINCE and son_la.name_folded == "tinh son la"
    )
    assert units.get(code="01").name == "Thành phố Hà Nội"
    assert units.get(code="00070").parent.code == "01"  # commune codes are zero-padded to 5 digits
    assert not units.filter(parent=None).exclude(code__regex=r"^\d{2}$").exists()
    assert not units.exclude(parent=None).exclude(code__regex=r"^\d{5}$").exists()

    audits = AuditRecord.objects.filter(object_type="organizations.adminunit")
    assert audits.count() == 1
    assert audits.get().after["created"] == 3355 and audits.get().action == "bulk_load"

    ids = dict(units.values_list("code", "pk"))
    second = load_admin_units()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3355)
    assert dict(_two_tier().values_list("code", "pk")) == ids
    assert audits.count() == 1  # nothing written, nothing audited


def test_org_02_loader_updates_changed_names_and_command_reports(settings):
    load_admin_units()
    unit = _two_tier().get(code="14")
    unit.name = "Tỉnh Sơn La (sai)"
    unit.save()
    out = StringIO()
    call_command("load_admin_units", stdout=out)
    unit.refresh_from_db()
    assert unit.name == "Tỉnh Sơn La" and unit.name_folded == "tinh son la"
    text = out.getvalue()
    assert "3321" in text and "cập nhật: 1" in text
    last = AuditRecord.objects.filter(object_type="organizations.adminunit").order_by("-seq").first()
    assert last.after["updated"] == 1 and last.actor_name == "load_admin_units"

"""The demo province loads through the services, is complete, and a second load changes nothing."""

from __future__ import annotations

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import search_procedures
from motcua.core.audit import verify_chain
from motcua.core.models import AuditRecord
from motcua.demo.seed import demo_accounts, seed_demo
from motcua.organizations.models import AdminUnit, Agency, AgencyKind, Role, RoleAssignment

pytestmark = pytest.mark.django_db(transaction=False)

REQUIRED_PROCEDURES = {
    "Đăng ký khai sinh",
    "Cấp Phiếu lý lịch tư pháp",
    "Đổi giấy phép lái xe",
    "Thông báo hoạt động khuyến mại",
}


def test_org_02_demo_seed_loads_a_whole_believable_province():
    seed_demo(password="demo-password-for-tests", log=lambda _: None)

    assert AdminUnit.objects.filter(parent=None).count() == 34
    assert AdminUnit.objects.exclude(parent=None).count() == 3321
    son_la = AdminUnit.objects.get(code="14")
    assert son_la.children.count() == 75

    assert Agency.objects.filter(kind=AgencyKind.SERVICE_CENTER, is_one_stop_unit=True).exists()
    assert Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count() >= 6
    assert Agency.objects.filter(level="commune").count() >= 4
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert RoleAssignment.objects.filter(official__user__username="admin", role=Role.PROVINCIAL_ADMIN).exists()

    published = ProcedureVersion.objects.filter(status="published")
    assert published.count() >= 20
    names = list(published.values_list("name", flat=True))
    for required in REQUIRED_PROCEDURES:
        assert any(name.startswith(required) for name in names), required
    assert search_procedures("dang ky khai sinh").items[0].name == "Đăng ký khai sinh"
    assert len(demo_accounts()) == RoleAssignment.objects.values("official").distinct().count()


def test_gen_03_second_demo_seed_changes_nothing():
    seed_demo(password="demo-password-for-tests", log=lambda _: None)
    records = AuditRecord.objects.count()
    seed_demo(password="demo-password-for-tests", log=lambda _: None)
    assert AuditRecord.objects.count() == records
    assert verify_chain().intact


def test_os_cat_03_every_demo_procedure_has_a_published_internal_process():
    from motcua.catalog.process_models import ProcessTemplate

    seed_demo(password="demo-password-for-tests", log=lambda _: None)
    with_process = set(
        ProcessTemplate.objects.filter(status="published").values_list("procedure__procedure_code", flat=True)
    )
    published = set(
        ProcedureVersion.objects.filter(status="published").values_list("procedure__procedure_code", flat=True)
    )
    assert published and published <= with_process

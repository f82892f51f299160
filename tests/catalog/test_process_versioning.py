"""OS-CAT-05: internal processes go draft -> published -> retired; only drafts change; a dossier
finds the process in force at intake. Round trip through JSON and YAML (OS-CAT-03)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.catalog import process_services as ps
from motcua.catalog.models import ProcessStep, ProcessTemplate, VersionStatus
from motcua.catalog.versioning import publish
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from tests.catalog.factories import AgencyFactory, VersionFactory
from tests.catalog.process_docs import province_doc, ten_day_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def code():
    return ten_day_version().procedure.procedure_code


def test_os_cat_03_round_trip_json_and_yaml(code):
    template = ps.import_process(province_doc(code))
    exported = ps.export_process(template)
    assert exported["steps"][4] | {"allotment": 4, "unit": "working_hours"} == exported["steps"][4]
    for fmt in ("json", "yaml"):
        text = ps.dumps(exported, fmt)
        assert ps.loads(text, fmt) == exported
        again = ps.import_process(text, fmt)
        assert again.pk == template.pk  # same content: nothing new is written
    changed = exported | {"name": "Quy trình sửa đổi"}
    second = ps.import_process(ps.dumps(changed, "yaml"), "yaml")
    assert second.number == 2 and ps.export_process(second) == changed


def test_os_cat_03_yaml_is_loaded_safely(code):
    with pytest.raises(ValidationFailed) as exc:
        ps.import_process("!!python/object/apply:os.system ['echo hacked']", "yaml")
    assert exc.value.code == "invalid_format"


def test_os_cat_03_invalid_import_writes_nothing(code):
    doc = province_doc(code)
    doc["steps"][1]["allotment"] = 20
    with pytest.raises(ValidationFailed) as exc:
        ps.import_process(doc)
    assert [f.code for f in exc.value.fields] == ["over_time_limit"]
    assert not ProcessTemplate.objects.exists()


def test_os_cat_05_published_process_and_its_rows_are_frozen(code):
    template = ps.import_process(province_doc(code), publish=True)
    assert template.status == VersionStatus.PUBLISHED and template.published_at
    template.name = "Sửa trộm"
    with pytest.raises(Conflict) as exc:
        template.save()
    assert exc.value.code == "process_not_draft" and "không thể sửa" in str(exc.value.message)
    step = ProcessStep.objects.filter(template=template).first()
    step.allotment = 1
    with pytest.raises(Conflict):
        step.save()
    with pytest.raises(Conflict):
        step.delete()
    with pytest.raises(Conflict):
        ProcessTemplate.objects.get(pk=template.pk).delete()


def test_os_cat_05_new_version_clones_and_publishing_retires_the_previous(code):
    first = ps.import_process(province_doc(code), publish=True)
    draft = ps.new_process_version(first)
    assert (draft.number, draft.status, draft.valid_from) == (2, VersionStatus.DRAFT, None)
    assert ps.export_process(draft) == ps.export_process(first) | {"valid_from": None}
    with pytest.raises(ValidationFailed) as exc:
        ps.publish_process(draft)
    assert [f.field for f in exc.value.fields] == ["valid_from"]
    draft.valid_from = dt.date(2026, 1, 1)
    draft.save()
    ps.publish_process(draft)
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED and first.valid_to == dt.date(2026, 1, 1)
    with pytest.raises(Conflict):
        ps.publish_process(draft)


def test_os_cat_05_publishing_an_invalid_or_overlapping_draft_is_refused(code):
    ps.import_process(province_doc(code, valid_from="2025-03-01", valid_to="2025-06-01"), publish=True)
    overlapping = ps.import_process(province_doc(code, name="Khác", valid_from="2025-02-01", valid_to="2025-04-01"))
    with pytest.raises(Conflict) as exc:
        ps.publish_process(overlapping)
    assert exc.value.code == "validity_overlap"
    broken = ps.new_process_version(overlapping)
    ProcessStep.objects.filter(template=broken, key="tham_dinh").update(allotment=30)
    broken.valid_from = dt.date(2025, 9, 1)
    broken.save()
    with pytest.raises(ValidationFailed) as exc:
        ps.publish_process(broken)
    assert [f.code for f in exc.value.fields] == ["over_time_limit"]


def test_os_cat_05_process_in_force_at_a_date_prefers_the_agency_own_process(code):
    version = VersionFactory(time_limit_days=10)
    agency = AgencyFactory(level="province")
    version.agencies.add(agency)
    publish(version)
    code = version.procedure.procedure_code
    generic = ps.import_process(province_doc(code), publish=True)
    later = ps.new_process_version(generic)
    later.valid_from = dt.date(2025, 7, 1)
    later.save()
    ps.publish_process(later)
    own = ps.import_process(province_doc(code, agency=agency.code, valid_from="2025-09-01"), publish=True)

    assert ps.process_in_force(code, None, dt.date(2025, 6, 30)) == generic
    assert ps.process_in_force(code, agency.code, dt.date(2025, 7, 1)) == later
    assert ps.process_in_force(code, agency.code, dt.date(2025, 9, 1)) == own
    assert ps.process_in_force(code, "000.00.77.H52", dt.date(2025, 9, 1)) == later
    with pytest.raises(NotFound) as exc:
        ps.process_in_force(code, None, dt.date(2024, 12, 31))
    assert exc.value.code == "process_not_in_force" and "31/12/2024" in str(exc.value.message)


def test_os_state_03_next_steps_follow_the_declared_transitions_and_roles(code):
    template = ps.import_process(province_doc(code), publish=True)
    assert [s.key for s in ps.next_steps(template, "ldp_duyet", "approve", ["department_leader"])] == ["ld_ky"]
    assert [s.key for s in ps.next_steps(template, "ldp_duyet", "send_back", ["department_leader"])] == ["tham_dinh"]
    assert ps.next_steps(template, "ldp_duyet", "approve", ["handler"]) == []
    assert ps.next_steps(template, "tham_dinh", "approve", ["handler"]) == []
    assert ps.next_steps(template, "nowhere", "approve", ["handler"]) == []
    # no roles listed: the role performing the source step may take it
    assert [s.key for s in ps.next_steps(template, "van_thu", "issue", ["clerk"])] == ["tra_ket_qua"]
    actions = [t.action for t in ps.available_transitions(template, "ld_ky", ["agency_leader"])]
    assert actions == ["sign", "send_back"]
    assert ps.available_transitions(template, "ld_ky", ["agency_leader"])[1].requires == ["comment"]


def test_os_cat_03_import_and_export_commands(code, tmp_path):
    path = tmp_path / "quy-trinh.yaml"
    path.write_text(ps.dumps({"processes": [province_doc(code)]}, "yaml"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_process", str(path), publish=True, stdout=out)
    assert "1 process(es) imported." in out.getvalue()
    assert ProcessTemplate.objects.get().status == VersionStatus.PUBLISHED
    out = io.StringIO()
    call_command("export_process", code, format="json", stdout=out)
    assert json.loads(out.getvalue()) == ps.export_process(ProcessTemplate.objects.get())
    bad = tmp_path / "hong.json"
    bad.write_text(json.dumps(province_doc("9.999999")), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_process", str(bad), stderr=err)
    assert "processes[0].procedure" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("export_process", "9.999999")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-123")
    client.force_login(user)
    return client


def _act(admin_client, action, template):
    url = reverse("admin:catalog_processtemplate_changelist")
    return admin_client.post(url, {"action": action, "_selected_action": [template.pk]}, follow=True)


def test_os_cat_05_admin_publish_clone_export_and_read_only(admin_client, code):
    draft = ps.import_process(province_doc(code))
    page = admin_client.get(reverse("admin:catalog_processtemplate_change", args=[draft.pk])).content.decode()
    assert "Hợp lệ: có thể công bố." in page and 'name="_save"' in page
    _act(admin_client, "publish_processes", draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    page = admin_client.get(reverse("admin:catalog_processtemplate_change", args=[draft.pk])).content.decode()
    assert 'name="_save"' not in page
    _act(admin_client, "clone_processes", draft)
    clone = ProcessTemplate.objects.get(number=2)
    response = _act(admin_client, "publish_processes", clone)
    assert "Chưa có ngày bắt đầu hiệu lực." in response.content.decode()
    response = admin_client.post(
        reverse("admin:catalog_processtemplate_changelist"),
        {"action": "export_processes", "_selected_action": [draft.pk]},
    )
    assert response["Content-Type"].startswith("application/yaml")
    assert ps.loads(response.content.decode(), "yaml") == {"processes": [ps.export_process(draft)]}

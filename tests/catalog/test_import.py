"""OS-CAT-01 / OS-CAT-02: import of the national catalogue layout (JSON, CSV, XLSX), all rows or none."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditRecord
from tests.catalog.conftest import DATA

pytestmark = pytest.mark.django_db


def _records() -> list[dict]:
    return json.loads((DATA / "procedures.json").read_text(encoding="utf-8"))


def _json_file(records) -> io.BytesIO:
    handle = io.BytesIO(json.dumps(records, ensure_ascii=False).encode())
    handle.name = "upload.json"
    return handle


def _errors(records, fmt=None, **kwargs) -> dict[tuple[int | None, str], str]:
    source = records if isinstance(records, io.BytesIO) else _json_file(records)
    with pytest.raises(ValidationFailed) as exc:
        services.import_procedures(source, fmt=fmt, **kwargs)
    return {(f.row, f.field): str(f.message) for f in exc.value.fields}


def test_os_cat_01_json_import_maps_every_field(example_agencies):
    result = services.import_procedures(DATA / "procedures.json")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    version = ProcedureVersion.objects.get(procedure__procedure_code="1.001193")
    assert version.status == VersionStatus.DRAFT and version.number == 1
    assert version.procedure.local_code == "HT-01"
    assert version.sector.code == "H56-HT" and version.sector.field_code == "HT"  # OS-CAT-07
    assert version.levels == ["commune"]
    assert version.channels == ["counter", "online", "postal"]
    assert version.service_mode == "online_full"
    assert version.time_limit_days == Decimal("0.5") and version.time_limit_unit == "working_days"
    assert version.time_limit_description.startswith("Ngay trong ngày")
    assert version.valid_from == dt.date(2025, 7, 1)
    assert version.publication_decision == "1234/QĐ-UBND"
    assert [a.code for a in version.agencies.all()] == ["000.01.20.H56"]
    assert "Ủy ban nhân dân cấp xã" in version.competent_agency_text
    assert version.steps.count("\n") == 1
    docs = list(version.documents.order_by("order"))
    assert [d.code for d in docs] == ["GT01", "GT02", "GT03"]
    assert docs[0].e_form is True and docs[1].e_form is False
    assert docs[2].case_group == "Trẻ em bị bỏ rơi"
    fee = version.fees.get()  # the same line on all three channels is stored once
    assert (fee.kind, fee.amount, fee.channel, fee.is_exempt) == ("charge", 0, "all", True)
    basis = version.legal_bases.order_by("order").first()
    assert (basis.number, basis.issued_on, basis.issuer) == ("60/2014/QH13", dt.date(2014, 11, 20), "Quốc hội")
    assert version.results.get().name == "Giấy khai sinh (bản chính)"
    assert version.national_payload["MATTHC"] == "1.001193"  # raw payload kept beside the record


def test_os_fee_02_channel_specific_fees(example_agencies):
    services.import_procedures(DATA / "procedures.json")
    version = ProcedureVersion.objects.get(procedure__procedure_code="2.000488")
    fees = sorted(version.fees.values_list("channel", "kind", "amount"))
    assert fees == [("counter", "fee", 200000), ("online", "fee", 100000)]
    assert version.service_mode == "online_partial"


def test_os_cat_01_json_wrapper_object_and_default_service_mode(example_agencies):
    records = _records()
    del records[1]["MOTCUA"]
    services.import_procedures(_json_file({"procedures": records}))
    assert ProcedureVersion.objects.get(procedure__procedure_code="2.000488").service_mode == "online_partial"
    assert ProcedureVersion.objects.get(procedure__procedure_code="1.004227").service_mode == "offline"


def test_os_cat_02_csv_import(example_agencies):
    result = services.import_procedures(DATA / "procedures.csv")
    assert result.created == 2
    version = ProcedureVersion.objects.get(procedure__procedure_code="1.001193")
    assert version.channels == ["counter", "online", "postal"] and version.time_limit_days == Decimal("0.5")
    assert version.documents.count() == 3 and version.legal_bases.count() == 2
    assert version.fees.get().channel == "all"
    fees = ProcedureVersion.objects.get(procedure__procedure_code="2.000488").fees
    assert sorted(fees.values_list("channel", "amount")) == [("counter", 200000), ("online", 100000)]


def test_os_cat_02_xlsx_import(example_agencies):
    result = services.import_procedures(DATA / "procedures.xlsx")
    assert result.created == 2
    version = ProcedureVersion.objects.get(procedure__procedure_code="1.001193")
    assert version.documents.filter(case_group="Trẻ em bị bỏ rơi").count() == 1
    assert version.results.get().code == "KQ01" and version.legal_bases.count() == 2


@pytest.mark.parametrize("other", ["procedures.csv", "procedures.xlsx"])
def test_os_cat_02_same_procedures_in_any_format_are_unchanged(example_agencies, other):
    services.import_procedures(DATA / "procedures.json")
    result = services.import_procedures(DATA / other)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_os_cat_01_reimport_unchanged_is_a_no_op(example_agencies):
    services.import_procedures(DATA / "procedures.json", publish=True)
    audit_count, version_count = AuditRecord.objects.count(), ProcedureVersion.objects.count()
    result = services.import_procedures(DATA / "procedures.json", publish=True)
    assert (result.created, result.updated, result.unchanged, result.published) == (0, 0, 3, 0)
    assert AuditRecord.objects.count() == audit_count and ProcedureVersion.objects.count() == version_count


def test_os_cat_05_changed_procedure_creates_a_new_draft_then_rewrites_it(example_agencies):
    services.import_procedures(DATA / "procedures.json", publish=True)
    records = _records()
    records[0]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 1
    result = services.import_procedures(_json_file(records))
    assert (result.updated, result.unchanged) == (1, 2)
    versions = ProcedureVersion.objects.filter(procedure__procedure_code="1.001193").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "published"), (2, "draft")]
    assert services.version_in_force("1.001193", at=dt.date(2025, 8, 1)).time_limit_days == Decimal("0.5")
    records[0]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 2
    services.import_procedures(_json_file(records))
    assert versions.count() == 2 and versions.last().time_limit_days == Decimal("2")


def test_os_cat_05_changed_procedure_with_publish_supersedes_old_version(example_agencies):
    services.import_procedures(DATA / "procedures.json", publish=True)
    records = _records()
    records[0]["TENTTHC"] = "Đăng ký khai sinh (sửa đổi)"
    records[0]["MOTCUA"]["HIEU_LUC_TU"] = "2026-01-01"
    result = services.import_procedures(_json_file(records), publish=True)
    assert (result.updated, result.published) == (1, 1)
    old = services.version_in_force("1.001193", at=dt.date(2025, 12, 31))
    new = services.version_in_force("1.001193", at=dt.date(2026, 1, 1))
    assert (old.number, old.status, old.valid_to) == (1, "retired", dt.date(2026, 1, 1))
    assert (new.number, new.name) == (2, "Đăng ký khai sinh (sửa đổi)")


def test_os_cat_05_overlap_with_published_version_is_a_row_error(example_agencies):
    services.import_procedures(DATA / "procedures.json", publish=True)
    records = _records()
    records[1]["TENTTHC"] = "Tên mới"  # same HIEU_LUC_TU as the version already published
    errors = _errors(records, publish=True)
    assert list(errors) == [(2, "MOTCUA.HIEU_LUC_TU")]
    assert "trùng với phiên bản 1" in errors[(2, "MOTCUA.HIEU_LUC_TU")]
    assert ProcedureVersion.objects.count() == 3


def test_os_cat_01_all_or_nothing_with_row_and_field_errors(example_agencies):
    records = _records()
    bad = copy.deepcopy(records[0])
    bad["MATTHC"] = "1.009999"
    bad["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = -1
    bad["CACHTHUCTHUCHIEN"][1]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = 2.3
    bad["CACHTHUCTHUCHIEN"][2]["KENH"] = 7
    bad["CACHTHUCTHUCHIEN"][0]["PHILEPHI"][0]["SOTIEN"] = "mười nghìn"
    bad["THANHPHANHOSO"][0]["GIAYTO"][1]["SOBANSAO"] = "hai"
    bad["CANCUPHAPLY"][0]["NGAYBANHANH"] = "2014/20/11"
    bad["CAPTHUCHIEN"] = ["Cấp Thôn"]
    del bad["TENTTHC"]
    records.append(bad)
    errors = _errors(records)
    assert set(errors) == {
        (4, "CACHTHUCTHUCHIEN[0].THOIGIAN[0].THOIGIANGIAIQUYET"),
        (4, "CACHTHUCTHUCHIEN[1].THOIGIAN[0].THOIGIANGIAIQUYET"),
        (4, "CACHTHUCTHUCHIEN[2].KENH"),
        (4, "CACHTHUCTHUCHIEN[0].PHILEPHI[0].SOTIEN"),
        (4, "THANHPHANHOSO[0].GIAYTO[1].SOBANSAO"),
        (4, "CANCUPHAPLY[0].NGAYBANHANH"),
        (4, "CAPTHUCHIEN[0]"),
        (4, "TENTTHC"),
    }
    assert "không được âm" in errors[(4, "CACHTHUCTHUCHIEN[0].THOIGIAN[0].THOIGIANGIAIQUYET")]
    assert "bội số của 0,5" in errors[(4, "CACHTHUCTHUCHIEN[1].THOIGIAN[0].THOIGIANGIAIQUYET")]
    assert Procedure.objects.count() == 0 and ProcedureVersion.objects.count() == 0


def test_os_cat_01_unknown_agency_code_is_a_row_error(example_agencies):
    records = _records()
    records[1]["COQUANTHUCHIEN"][0]["MACOQUAN"] = "000.00.99.H56"
    errors = _errors(records)
    assert list(errors) == [(2, "COQUANTHUCHIEN[0].MACOQUAN")]
    assert "000.00.99.H56" in errors[(2, "COQUANTHUCHIEN[0].MACOQUAN")]
    assert Procedure.objects.count() == 0


def test_os_cat_01_duplicate_procedure_code_in_file(example_agencies):
    records = _records()
    records.append(copy.deepcopy(records[0]))
    errors = _errors(records)
    assert list(errors) == [(4, "MATTHC")] and "dòng 1" in errors[(4, "MATTHC")]


def test_os_cat_01_error_report_format(example_agencies):
    records = _records()
    records[1]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = "abc"
    with pytest.raises(ValidationFailed) as exc:
        services.import_procedures(_json_file(records))
    result = services.import_procedures(_json_file(records), raise_on_error=False)
    assert not result.ok and len(result.errors) == len(exc.value.fields) == 1
    line = result.report_lines()[0]
    assert line.startswith("row 2, field CACHTHUCTHUCHIEN[0].THOIGIAN[0].THOIGIANGIAIQUYET: ")


def test_os_cat_01_malformed_json_and_wrong_shapes():
    handle = io.BytesIO(b"[{]")
    handle.name = "x.json"
    assert list(_errors(handle)) == [(None, "file")]
    errors = _errors([{"MATTHC": "1.000001", "TENTTHC": "X", "CACHTHUCTHUCHIEN": "1"}, "not an object"])
    assert (1, "CACHTHUCTHUCHIEN") in errors and (2, "") in errors


def test_os_cat_02_csv_errors_name_spreadsheet_row_and_column(example_agencies):
    content = (DATA / "procedures.csv").read_text(encoding="utf-8")
    content = content.replace(",10,Ngày làm việc,", ",-2,Ngày làm việc,").replace("100.000", "100.5")
    handle = io.BytesIO(content.encode())
    handle.name = "x.csv"
    errors = _errors(handle)
    assert set(errors) == {(3, "THOIGIANGIAIQUYET"), (3, "PHILEPHI[1].SOTIEN")}
    assert Procedure.objects.count() == 0


def test_os_cat_02_csv_semicolon_delimited_excel_export(example_agencies):
    import csv

    rows = list(csv.reader(io.StringIO((DATA / "procedures.csv").read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    handle = io.BytesIO(("\ufeff" + out.getvalue()).encode())
    handle.name = "export.csv"
    assert services.import_procedures(handle).created == 2


def test_os_cat_02_xlsx_child_sheet_errors_name_sheet_and_row(example_agencies):
    workbook = load_workbook(DATA / "procedures.xlsx")
    workbook["PHILEPHI"]["E3"] = "abc"
    workbook["CANCUPHAPLY"].append(["9.999999", "1/2020/QH14", "Luật", "01/01/2020", "Quốc hội"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "x.xlsx"
    errors = _errors(buffer)
    assert set(errors) == {(3, "PHILEPHI.SOTIEN"), (5, "CANCUPHAPLY.MATTHC")}


def test_os_cat_02_dry_run_writes_nothing(example_agencies):
    audit_count = AuditRecord.objects.count()
    result = services.import_procedures(DATA / "procedures.json", publish=True, dry_run=True)
    assert result.ok and (result.created, result.published) == (3, 3)
    assert Procedure.objects.count() == 0 and AuditRecord.objects.count() == audit_count


def test_os_cat_02_command_imports_and_publishes(example_agencies, capsys):
    call_command("import_procedures", str(DATA / "procedures.json"), "--publish")
    assert "Tạo mới: 3" in capsys.readouterr().out
    assert services.version_in_force("1.001193", at=dt.date(2025, 7, 1)).number == 1
    audit = AuditRecord.objects.filter(object_type="catalog.procedure").first()
    assert audit.actor_kind == "application" and audit.actor_name == "import_procedures"


def test_os_cat_02_command_reports_errors_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_records()), encoding="utf-8")  # agencies unknown: none were created
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path))
    err = capsys.readouterr().err
    assert "row 1, field COQUANTHUCHIEN[0].MACOQUAN:" in err and "row 2, field COQUANTHUCHIEN[0].MACOQUAN:" in err
    assert Procedure.objects.count() == 0

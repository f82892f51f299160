"""OS-CAT-05: versions go draft -> published -> retired; only drafts change; a dossier pins one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog import services
from motcua.catalog.models import Fee, ProcedureVersion, RequiredDocument, VersionStatus
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from tests.catalog.factories import AgencyFactory, VersionFactory, full_version, published

pytestmark = pytest.mark.django_db


def test_os_cat_05_published_version_cannot_be_edited_or_deleted():
    version = published()
    version.name = "Tên khác"
    with pytest.raises(Conflict) as exc:
        version.save()
    assert exc.value.status == 409 and exc.value.code == "version_not_draft"
    assert "không thể sửa" in str(exc.value.message)
    with pytest.raises(Conflict):
        ProcedureVersion.objects.get(pk=version.pk).delete()


def test_os_cat_05_child_rows_and_agencies_of_published_version_are_frozen():
    version = full_version()
    services.publish(version)
    with pytest.raises(Conflict):
        RequiredDocument.objects.create(version=version, name="Giấy tờ mới")
    fee = Fee.objects.get(version=version)
    fee.amount = 1
    with pytest.raises(Conflict):
        fee.save()
    with pytest.raises(Conflict):
        fee.delete()
    with pytest.raises(Conflict):
        version.agencies.add(AgencyFactory())
    with pytest.raises(Conflict):
        version.agencies.clear()


def test_os_cat_05_draft_is_editable():
    version = full_version()
    version.name = "Đăng ký khai sinh lưu động"
    version.save()
    RequiredDocument.objects.create(version=version, name="Giấy chứng sinh")
    version.agencies.add(AgencyFactory())
    assert version.documents.count() == 2 and version.agencies.count() == 2


def test_os_cat_05_publish_sets_status_and_procedure_name():
    version = VersionFactory(name="Đăng ký khai tử")
    services.publish(version)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.published_at is not None
    assert version.procedure.name == "Đăng ký khai tử"


def test_os_cat_05_publish_refuses_incomplete_version_with_field_errors():
    version = VersionFactory(sector=None, levels=[], time_limit_days=None, valid_from=None)
    with pytest.raises(ValidationFailed) as exc:
        services.publish(version)
    fields = {f.field for f in exc.value.fields}
    assert {"sector", "levels", "time_limit_days", "valid_from"} <= fields
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_os_cat_06_publish_refuses_online_mode_without_online_channel():
    version = VersionFactory(service_mode="online_full", channels=["counter"])
    with pytest.raises(ValidationFailed) as exc:
        services.publish(version)
    assert [f.field for f in exc.value.fields] == ["channels"]


def test_os_cat_05_publish_twice_is_refused():
    version = published()
    with pytest.raises(Conflict):
        services.publish(version)


def test_os_cat_05_new_publication_retires_previous_at_its_valid_from():
    first = published(valid_from=dt.date(2025, 1, 1))
    second = VersionFactory(procedure=first.procedure, number=2, valid_from=dt.date(2025, 7, 1))
    services.publish(second)
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED and first.valid_to == dt.date(2025, 7, 1)
    assert second.status == VersionStatus.PUBLISHED and second.valid_to is None


def test_os_cat_05_overlapping_validity_is_rejected_with_409():
    first = published(valid_from=dt.date(2025, 1, 1))
    services.publish(VersionFactory(procedure=first.procedure, number=2, valid_from=dt.date(2025, 7, 1)))
    third = VersionFactory(procedure=first.procedure, number=3, valid_from=dt.date(2025, 3, 1))
    with pytest.raises(Conflict) as exc:
        services.publish(third)
    assert exc.value.status == 409 and exc.value.code == "validity_overlap"
    assert "trùng với phiên bản" in str(exc.value.message)
    third.refresh_from_db()
    assert third.status == VersionStatus.DRAFT


def test_os_cat_05_same_start_date_as_published_version_overlaps():
    first = published(valid_from=dt.date(2025, 1, 1))
    with pytest.raises(Conflict):
        services.publish(VersionFactory(procedure=first.procedure, number=2, valid_from=dt.date(2025, 1, 1)))


def test_os_cat_05_bounded_historic_version_fits_before_published_one():
    first = published(valid_from=dt.date(2025, 1, 1))
    older = VersionFactory(
        procedure=first.procedure, number=2, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2025, 1, 1)
    )
    services.publish(older)
    first.refresh_from_db()
    assert first.status == VersionStatus.PUBLISHED and first.valid_to is None


def test_os_cat_05_retire_on_date():
    version = published(valid_from=dt.date(2025, 1, 1))
    services.retire(version, on=dt.date(2025, 12, 31))
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED and version.valid_to == dt.date(2025, 12, 31)
    code = version.procedure.procedure_code
    assert services.version_in_force(code, at=dt.date(2025, 12, 30)) == version
    with pytest.raises(NotFound) as exc:
        services.version_in_force(code, at=dt.date(2025, 12, 31))
    assert exc.value.code == "procedure_not_in_force"


def test_os_cat_05_retire_refuses_drafts_and_dates_before_start():
    with pytest.raises(Conflict):
        services.retire(VersionFactory())
    version = published(valid_from=dt.date(2025, 1, 1))
    with pytest.raises(Conflict):
        services.retire(version, on=dt.date(2024, 12, 31))


def test_os_cat_05_new_version_clones_everything_into_a_draft():
    source = full_version(valid_from=dt.date(2025, 1, 1))
    services.publish(source)
    clone = services.new_version(source)
    assert clone.pk != source.pk and clone.number == 2 and clone.status == VersionStatus.DRAFT
    assert clone.valid_from is None and clone.published_at is None
    assert clone.name == source.name and clone.sector == source.sector and clone.levels == source.levels
    assert clone.time_limit_days == Decimal("5.0")
    assert set(clone.agencies.all()) == set(source.agencies.all())
    for relation in ("documents", "fees", "legal_bases", "results"):
        cloned = list(getattr(clone, relation).values_list("name" if relation != "legal_bases" else "number"))
        original = list(getattr(source, relation).values_list("name" if relation != "legal_bases" else "number"))
        assert cloned == original and cloned
    # The clone is independent: editing it leaves the published source alone.
    doc = clone.documents.get()
    doc.name = "Tờ khai (mẫu mới)"
    doc.save()
    assert source.documents.get().name == "Tờ khai"


def test_os_cat_05_clone_then_publish_supersedes_source():
    source = published(valid_from=dt.date(2025, 1, 1))
    clone = services.new_version(source)
    clone.valid_from = dt.date(2026, 1, 1)
    clone.save()
    services.publish(clone)
    code = source.procedure.procedure_code
    assert services.version_in_force(code, at=dt.date(2025, 6, 1)).number == 1
    assert services.version_in_force(code, at=dt.date(2026, 1, 1)).number == 2


def test_os_cat_05_version_in_force_uses_vietnam_date_of_an_aware_datetime():
    """GEN-06: 2025-06-30 18:00 UTC is already 1 July in Asia/Ho_Chi_Minh."""
    first = published(valid_from=dt.date(2025, 1, 1))
    services.publish(VersionFactory(procedure=first.procedure, number=2, valid_from=dt.date(2025, 7, 1)))
    code = first.procedure.procedure_code
    at = dt.datetime(2025, 6, 30, 18, 0, tzinfo=dt.UTC)
    assert services.version_in_force(code, at=at).number == 2
    assert services.version_in_force(code, at=dt.datetime(2025, 6, 30, 16, 0, tzinfo=dt.UTC)).number == 1


def test_os_cat_05_version_in_force_ignores_drafts_and_unknown_codes():
    draft = VersionFactory()
    with pytest.raises(NotFound):
        services.version_in_force(draft.procedure.procedure_code)
    with pytest.raises(NotFound) as exc:
        services.version_in_force("9.999999")
    assert exc.value.code == "unknown_procedure"


def test_os_cat_01_non_national_procedure_code_is_kept_and_flagged():
    version = VersionFactory(procedure__procedure_code="3.000181.000.00.00.H22")
    assert version.procedure.code_is_canonical is False
    assert VersionFactory().procedure.code_is_canonical is True

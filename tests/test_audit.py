"""GEN-02 / GEN-03: the configuration audit log is append-only and hash-chained."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from motcua.core import audit
from motcua.core.context import Actor, acting_as
from motcua.core.models import AppendOnlyError, AuditHead, AuditRecord
from motcua.organizations.models import Agency

pytestmark = pytest.mark.django_db


def _agency(code="000.00.01.H14", name="Văn phòng UBND tỉnh Sơn La"):
    return Agency.objects.create(code=code, name=name, short_name="VP")


def test_gen_03_config_write_records_actor_object_and_before_after():
    with acting_as(Actor(kind="user", name="admin", user_id=1, request_id="req-1")):
        agency = _agency()
        agency.name = "Văn phòng Ủy ban nhân dân tỉnh Sơn La"
        agency.save()
    create, update = AuditRecord.objects.filter(object_type="organizations.agency").order_by("seq")
    assert create.action == "create" and create.before is None
    assert create.actor_name == "admin" and create.request_id == "req-1"
    assert update.action == "update"
    assert update.before["name"] == "Văn phòng UBND tỉnh Sơn La"
    assert update.after["name"] == "Văn phòng Ủy ban nhân dân tỉnh Sơn La"
    assert update.prev_hash == create.hash


def test_gen_02_unchanged_save_records_nothing():
    agency = _agency()
    count = AuditRecord.objects.count()
    agency.save()
    assert AuditRecord.objects.count() == count


def test_gen_02_delete_is_recorded_with_before_values():
    agency = _agency()
    agency.delete()
    last = AuditRecord.objects.order_by("-seq").first()
    assert last.action == "delete" and last.before["code"] == "000.00.01.H14"


def test_gen_03_records_cannot_be_updated_or_deleted_through_the_model():
    _agency()
    entry = AuditRecord.objects.first()
    entry.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_gen_02_verify_reports_intact_chain():
    for i in range(5):
        audit.record("update", "test.thing", i, after={"n": i})
    report = audit.verify_chain()
    assert report.intact and report.checked == AuditRecord.objects.count()


def _raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER USER")


def test_gen_02_verify_finds_first_edited_record():
    for i in range(5):
        audit.record("update", "test.thing", i, after={"n": i})
    target = AuditRecord.objects.order_by("seq")[2]
    _raw_sql("UPDATE core_auditrecord SET after = %s WHERE id = %s", ('{"n": 99}', target.pk))
    report = audit.verify_chain()
    assert not report.intact and report.broken_seq == target.seq


def test_gen_02_verify_finds_deleted_middle_and_tail_records():
    for i in range(5):
        audit.record("update", "test.thing", i, after={"n": i})
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    _raw_sql("DELETE FROM core_auditrecord WHERE seq = %s", (seqs[-1],))
    report = audit.verify_chain()
    assert not report.intact and "removed" in report.problem
    _raw_sql("DELETE FROM core_auditrecord WHERE seq = %s", (seqs[1],))
    report = audit.verify_chain()
    assert not report.intact and report.broken_seq == seqs[1]


@pytest.mark.postgres
def test_gen_03_postgres_trigger_refuses_update_and_delete():
    from django.db import DatabaseError, transaction

    audit.record("update", "test.thing", 1, after={"n": 1})
    for sql in ("UPDATE core_auditrecord SET reason = 'x'", "DELETE FROM core_auditrecord"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_gen_02_verify_audit_command_output(capsys):
    audit.record("update", "test.thing", 1, after={"n": 1})
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out.lower()
    assert AuditHead.objects.get().last_seq == AuditRecord.objects.count()

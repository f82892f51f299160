"""Intake through the service (OS-INTAKE-01..11, CAL-11, OS-CODE-02)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.core.errors import Conflict, Forbidden, ValidationFailed
from motcua.dossiers.applicants import Applicant, applicant_errors
from motcua.dossiers.files import MAX_FILES, Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform_action, receive_dossier
from tests.dossiers.builders import PDF, PNG, UNIT_CODE, at, both_components, citizen, counter_dossier


def _online(world, submitted_at, **kwargs):
    return receive_dossier(
        procedure_code=world.version.procedure.procedure_code,
        channel="online",
        receiving_unit=UNIT_CODE,
        applicant=citizen(),
        components=both_components(),
        submitted_at=submitted_at,
        now=submitted_at,
        **kwargs,
    ).dossier


@pytest.mark.django_db
def test_cal_11_online_filing_on_saturday_is_received_at_monday_start(world):
    dossier = _online(world, at(19, 22, 15))  # Saturday night
    assert dossier.submitted_at == at(19, 22, 15)
    assert dossier.received_at == at(21, 7, 30)
    assert dossier.code == f"{UNIT_CODE}-250721-0001"  # OS-CODE-01: the intake date
    assert dossier.status == "submitted" and dossier.due_at is None and dossier.transfer_due_at is None
    event = dossier.events.get()
    assert event.role == "applicant" and event.actor_name == "Trần Thị Bích Ngọc"


@pytest.mark.django_db
def test_os_intake_03_online_dossier_is_accepted_by_the_officer_and_the_clock_starts(world):
    dossier = _online(world, at(14, 8))
    perform_action(dossier, "accept", world.intake, now=at(14, 10))
    assert dossier.accepted_at == at(14, 10) and dossier.due_at == at(17, 17)
    assert dossier.transfer_due_at is None  # the 15:00 rule is for counter dossiers (OS-XFER-02)


@pytest.mark.django_db
def test_os_intake_01_postal_intake_and_channel_fixed_after_acceptance(world):
    dossier = counter_dossier(world, channel="postal")
    assert dossier.channel == "postal" and dossier.status == "accepted"
    stored = Dossier.objects.get(pk=dossier.pk)
    stored.channel = "online"
    with pytest.raises(ValueError, match="OS-INTAKE-01"):
        stored.save()


@pytest.mark.django_db
def test_os_intake_11_receiving_unit_and_competent_agency_are_kept_apart(world):
    dossier = counter_dossier(world, competent_agency=world.other)
    assert dossier.receiving_unit == world.unit and dossier.competent_agency == world.other
    assert dossier.code.startswith(UNIT_CODE)  # the receiving unit's identifier (OS-CODE-01)
    # The outsider holds roles in the competent agency, so may act on it now.
    perform_action(dossier, "stop", world.outsider, {"reason": "Dừng theo yêu cầu"}, now=at(14, 10))
    assert dossier.status == "stopped"


@pytest.mark.django_db
def test_os_cat_05_dossier_pins_the_version_in_force_at_receipt(world):
    dossier = counter_dossier(world)
    assert dossier.procedure_version == world.version
    assert dossier.regime


@pytest.mark.django_db
def test_idempotency_key_returns_the_first_dossier(world):
    first = counter_dossier(world, idempotency_key="k-1")
    again = receive_dossier(
        procedure_code=world.version.procedure.procedure_code,
        channel="counter",
        receiving_unit=world.unit,
        applicant=citizen(name="Người khác"),
        components=[],
        user=world.intake,
        idempotency_key="k-1",
        now=at(15),
    )
    assert again.created is False and again.dossier.pk == first.pk
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_counter_intake_needs_an_intake_officer_of_the_receiving_unit(world):
    with pytest.raises(Forbidden):
        counter_dossier(world, user=world.handler)
    with pytest.raises(Forbidden):
        counter_dossier(world, user=world.outsider)


@pytest.mark.django_db
def test_file_limits_count_and_unknown_extension(world):
    too_many = [Upload(filename=f"{i}.pdf", content=PDF, document_code="GT01") for i in range(MAX_FILES + 1)]
    with pytest.raises(ValidationFailed) as refused:
        counter_dossier(world, components=too_many)
    assert refused.value.fields[0].code == "too_many_files"
    with pytest.raises(ValidationFailed) as exe:
        counter_dossier(world, components=[*both_components(), Upload(filename="virus.exe", content=b"MZ\x90\x00")])
    assert [f.code for f in exe.value.fields] == ["file_type_not_accepted"]


def test_os_intake_10_identity_numbers():
    def errors(**fields):
        values = {"type": "citizen", "name": "A", "id_number": "001099012345"}
        values.update(fields)
        return [e.field for e in applicant_errors(Applicant(**values))]

    assert errors() == []
    assert errors(id_number="00109901234") == ["applicant.id_number"]
    assert errors(type="business", id_number="0101234567") == []
    assert errors(type="business", id_number="0101234567-001") == []
    assert errors(type="business", id_number="0101234567001") == ["applicant.id_number"]
    assert errors(type="other") == ["applicant.type"]
    assert errors(phone="abc", email="not-an-email") == ["applicant.phone", "applicant.email"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_with_the_same_expected_version_one_wins_one_409(world):
    dossier = counter_dossier(world)
    version = dossier.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, action, inputs):
        try:
            copy = Dossier.objects.select_related("receiving_unit", "competent_agency").get(pk=dossier.pk)
            barrier.wait()
            perform_action(copy, action, user, inputs, version, now=at(14, 10))
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(world.intake, "transfer", {"recipient": UNIT_CODE})),
        threading.Thread(target=act, args=(world.leader, "stop", {"reason": "Dừng"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale_version"]
    assert Dossier.objects.get(pk=dossier.pk).version == version + 1


def test_os_intake_04_components_of_special_cases_are_matched_but_not_demanded(db, settings):
    """The national catalogue lists the components of special cases beside the common ones; intake
    demands only the common ones (a missing case component is a matter for a supplement request)."""
    from datetime import timedelta
    from decimal import Decimal

    from motcua.catalog import versioning
    from motcua.catalog.models import RequiredDocument
    from motcua.dossiers.intake import is_always_required
    from tests.catalog.factories import VersionFactory
    from tests.dossiers.builders import MONDAY, make_official
    from tests.organizations.factories import agency

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = agency(code="000.00.09.H56", name="Ủy ban nhân dân xã Thử")
    version = VersionFactory(
        name="Đăng ký khai sinh",
        time_limit_days=Decimal(1),
        channels=["counter", "postal", "online"],
        valid_from=MONDAY.date() - timedelta(days=200),
    )
    common = RequiredDocument.objects.create(version=version, code="TK", name="Tờ khai", originals=1)
    proxy = RequiredDocument.objects.create(
        version=version, code="UQ", name="Văn bản ủy quyền (trường hợp ủy quyền đăng ký khai sinh)", order=1
    )
    case = RequiredDocument.objects.create(
        version=version, code="BR", name="Biên bản trẻ bị bỏ rơi", case_group="Trẻ em bị bỏ rơi", order=2
    )
    birth = RequiredDocument.objects.create(
        version=version, code="CS", name="Giấy chứng sinh; trường hợp không có thì giấy cam đoan", order=3
    )
    versioning.publish(version)
    assert [is_always_required(d) for d in (common, proxy, case, birth)] == [True, False, False, True]
    officer = make_official("motcua.thu", unit, ["intake_officer"])
    base = {
        "procedure_code": version.procedure.procedure_code,
        "channel": "counter",
        "receiving_unit": unit,
        "applicant": citizen(),
        "user": officer,
        "accept": True,
        "now": MONDAY,
    }
    with pytest.raises(ValidationFailed) as refused:
        receive_dossier(**base, components=[Upload("tk.pdf", PDF, document_code="TK")])
    assert [f.field for f in refused.value.fields] == ["components.CS"]
    uploads = [
        Upload("tk.pdf", PDF, document_code="TK"),
        Upload("cs.pdf", PDF, document_code="CS"),
        Upload("br.png", PNG, document_code="BR"),
    ]
    dossier = receive_dossier(**base, components=uploads).dossier
    assert sorted(c.required_document.code for c in dossier.components.all()) == ["BR", "CS", "TK"]

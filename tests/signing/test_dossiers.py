"""Signatures on dossiers (DOC-SYS-05, SIG-01, SIG-07): the leader signs the result, the
organisation signs after, the dossier is resolved with the signed result; forms are signed."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from motcua.core.errors import Conflict, ValidationFailed
from motcua.signing import registry
from motcua.signing.dossiers import resolve_with_signed_result, sign_form
from motcua.signing.models import KeyStore, SignatureRecord
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import MONDAY, build_world, counter_dossier, to_processing

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path, settings, pki_server, people, monkeypatch, signature_png, seal_png):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING": {"TSA_URL": f"{pki_server.url}/tsa", "LEVEL": "B-T"}}
    monkeypatch.setenv("MOTCUA_TEST_P12", PASSWORD)
    registry.add_trusted_root(pki_server.authority.pki.root.pem(), is_demo=True)
    world = build_world()
    root = pki_server.authority.pki.root.certificate

    def stored(issued, **kwargs):
        path = tmp_path / f"{issued.certificate.serial_number}.p12"
        path.write_bytes(issued.pkcs12(PASSWORD.encode(), chain=[root]))
        return registry.import_certificate(
            issued.pem(), key_store=KeyStore.PKCS12, pkcs12_path=str(path), secret_env="MOTCUA_TEST_P12", **kwargs
        )

    leader = world.leader.official
    leader.signature_image.save("lanh.png", ContentFile(signature_png))
    seal = stored(people.agency, kind="agency", agency=world.unit)
    seal.seal_image.save("dau.png", ContentFile(seal_png))
    world.personal = stored(people.leader, kind="personal", agency=world.unit, official=leader)
    return world


def test_doc_sys_05_leader_signs_result_then_agency_and_dossier_is_resolved(world, receipt_pdf, root):
    dossier = to_processing(world, counter_dossier(world))
    event = resolve_with_signed_result(dossier, receipt_pdf, world.leader, now=MONDAY + timedelta(hours=3))
    dossier.refresh_from_db()
    assert dossier.status == "resolved" and event.action == "resolve"
    assert [s["purpose"] for s in event.payload["inputs"]["signatures"]] == ["signer", "agency"]
    assert event.payload["inputs"]["signatures"][0]["serial"] == world.personal.serial
    component = dossier.components.get(added_by_event=event.seq)
    with component.file.open("rb") as fh:
        stored = fh.read()
    report = verify_pdf(stored, [root])
    assert report.ok and len(report.signatures) == 2
    assert event.attachments[0]["sha256"] == SignatureRecord.objects.order_by("pk").last().document_sha256
    assert set(SignatureRecord.objects.values_list("related_id", flat=True)) == {dossier.code}


def test_nothing_is_signed_when_the_user_may_not_resolve(world, receipt_pdf):
    dossier = to_processing(world, counter_dossier(world))
    with pytest.raises(Conflict):
        resolve_with_signed_result(dossier, receipt_pdf, world.outsider, now=MONDAY + timedelta(hours=3))
    world.personal.revoked_at = MONDAY
    world.personal.save()
    with pytest.raises(ValidationFailed, match="no_certificate"):
        resolve_with_signed_result(dossier, receipt_pdf, world.leader, now=MONDAY + timedelta(hours=3))
    assert not SignatureRecord.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == "in_process"


def test_sig_07_forms_issued_electronically_carry_the_units_signature(world, receipt_pdf, root):
    dossier = counter_dossier(world)
    signed = sign_form(receipt_pdf, dossier)
    assert verify_pdf(signed, [root]).ok
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=signed, capture_output=True).stdout
    assert text.decode().startswith(f"{dossier.code}; ")
    assert SignatureRecord.objects.get().purpose == "form"

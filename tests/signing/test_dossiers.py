"""Signatures on dossiers (DOC-SYS-05, SIG-01, SIG-07): the leader signs the result, the
organisation signs after, the dossier is resolved with the signed result; forms are signed."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from motcua.core.errors import Conflict, ValidationFailed
from motcua.signing.dossiers import resolve_with_signed_result, sign_form
from motcua.signing.models import SignatureRecord
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import MONDAY, counter_dossier, to_processing

pytestmark = pytest.mark.django_db


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

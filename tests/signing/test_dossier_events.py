"""Signatures as dossier events, signed forms 01-05, the clerk's issuance and signature checks of
uploaded PDFs (SIG-01, SIG-06, SIG-07, SIG-09, OS-INTAKE-08)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from motcua.core.errors import Conflict, NotFound
from motcua.dossiers import form_data
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.projection import PROJECTED, rebuild_projection
from motcua.dossiers.services import perform_action, record_signature
from motcua.signing.dossiers import issue_signed_result, resolve_with_signed_result, sign_result_as_leader
from motcua.signing.models import Certificate, SignatureRecord
from motcua.signing.pades import sign_pdf
from motcua.signing.verification import verify_pdf
from tests.dossiers.builders import MONDAY, PNG, at, both_components, counter_dossier, make_official, to_processing

from .conftest import make_pdf, pdfsig, signer_for

pytestmark = pytest.mark.django_db


def _columns(dossier) -> dict:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return {name: getattr(fresh, name) for name in PROJECTED}


def _stored(component) -> bytes:
    with component.file.open("rb") as fh:
        return fh.read()


def test_sig_07_each_signature_is_an_event_that_changes_no_state(world, receipt_pdf, root):
    """The leader's and the organisation's signatures are two `sign` events before RESOLVE: signer,
    certificate serial and subject, kind, document, SHA-256 after signing, time, level."""
    dossier = to_processing(world, counter_dossier(world))
    before = _columns(dossier)
    event = resolve_with_signed_result(dossier, receipt_pdf, world.leader, now=MONDAY + timedelta(hours=3))
    signs = list(dossier.events.filter(action="sign").order_by("seq"))
    assert [e.seq for e in signs] == [event.seq - 2, event.seq - 1]
    leader, agency = (e.payload["signature"] for e in signs)
    assert (leader["kind"], leader["purpose"], agency["kind"], agency["purpose"]) == (
        "personal",
        "signer",
        "agency",
        "agency",
    )
    assert leader["serial"] == world.personal.serial and "Nguyễn Văn Lãnh" in leader["subject"]
    assert agency["serial"] == Certificate.objects.get(kind="agency").serial
    assert leader["level"] == agency["level"] == "B-T"
    assert agency["sha256"] == event.attachments[0]["sha256"] != leader["sha256"]
    assert leader["document"] == event.attachments[0]["name"]
    assert {leader["record_id"], agency["record_id"]} == set(SignatureRecord.objects.values_list("pk", flat=True))
    assert signs[0].role == "department_leader" and signs[0].actor == world.leader
    for sign in signs:  # no state change: from == to, nothing set
        assert sign.from_state == sign.to_state == "in_process" and sign.payload["set"] == {}
        assert sign.from_substate == sign.to_substate == before["substate"]
    # The projection replayed from the events equals the columns (sign events fold to nothing).
    assert rebuild_projection(Dossier.objects.get(pk=dossier.pk)) == _columns(dossier)


def test_sig_07_a_signature_recorded_while_paused_keeps_the_step_to_resume(world):
    """A `sign` event during a supplement request must not make the dossier forget its step."""
    dossier = to_processing(world, counter_dossier(world))
    substate = dossier.substate
    assert substate
    perform_action(dossier, "request_supplement", world.handler, {"items": ["GT01"], "reason": "Thiếu"}, now=at(14, 12))
    record_signature(dossier, {"purpose": "form", "kind": "agency", "signer": "UBND"}, now=at(14, 13))
    assert _columns(dossier)["status"] == "supplement_requested"
    perform_action(dossier, "resupply", world.intake, {"items": ["GT01"]}, now=at(14, 14))
    dossier.refresh_from_db()
    assert dossier.status == "in_process" and dossier.substate == substate
    assert rebuild_projection(dossier) == _columns(dossier)


def _online(world):
    return counter_dossier(world, channel="online", accept=False, user=None)


def test_sig_07_form_01_of_an_online_dossier_is_issued_signed_and_served_as_stored(world, root, nssdb, tmp_path):
    dossier = _online(world)
    accept = perform_action(dossier, "accept", world.intake, now=MONDAY + timedelta(hours=1))
    form = dossier.components.get(kind="form")
    assert form.signatures["form"] == "receipt" and form.signatures["signed"] is True
    assert form.signatures["issued_by_event"] == accept.seq
    sign = dossier.events.get(action="sign")
    assert sign.seq == accept.seq + 1 == form.added_by_event
    entry = sign.payload["signature"]
    assert (entry["purpose"], entry["kind"], entry["form"]) == ("form", "agency", "receipt")
    assert entry["sha256"] == form.sha256
    stored = _stored(form)
    report = verify_pdf(stored, [root])
    assert report.ok and len(report.signatures) == 1
    path = tmp_path / "mau-01.pdf"
    path.write_bytes(stored)
    out = pdfsig(nssdb, path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    # Every download is the stored, signed file: signed once, not again.
    number, served = form_data.dossier_form_pdf(Dossier.objects.get(pk=dossier.pk), "01")
    assert number == "01" and served == stored
    assert SignatureRecord.objects.filter(purpose="form").count() == 1


def test_sig_07_form_02_is_signed_and_counter_forms_stay_printed(world):
    online = _online(world)
    perform_action(
        online,
        "request_supplement",
        world.intake,
        {"items": ["GT02"], "reason": "Ảnh mờ"},
        now=MONDAY + timedelta(hours=1),
    )
    assert online.components.get(kind="form").signatures["form"] == "supplement_request"
    counter = counter_dossier(world)
    assert not counter.components.filter(kind="form").exists()
    assert not counter.events.filter(action="sign").exists()


def test_sig_07_without_an_agency_certificate_the_form_is_issued_unsigned_and_says_so(world, caplog):
    Certificate.objects.filter(kind="agency").update(is_active=False)
    dossier = _online(world)
    with caplog.at_level(logging.WARNING, logger="motcua.dossiers"):
        perform_action(dossier, "accept", world.intake, now=MONDAY + timedelta(hours=1))
    form = dossier.components.get(kind="form")
    assert form.signatures["signed"] is False and form.signatures["unsigned_reason"] == "no_agency_certificate"
    assert not dossier.events.filter(action="sign").exists()
    assert verify_pdf(_stored(form), []).signatures == []
    record = next(r for r in caplog.records if r.msg == "dossier.form_issued_unsigned")
    assert record.dossier_id == dossier.pk and record.form == "receipt"
    assert "Trần Thị Bích Ngọc" not in caplog.text


def test_sig_07_forms_of_past_events_are_issued_at_first_download(world):
    """Inside notify.muted() (demo history, benchmarks) nothing is issued at the transition; the
    first download issues the signed copy, and later downloads serve it."""
    from motcua.dossiers.notify import muted

    dossier = _online(world)
    with muted():
        perform_action(dossier, "accept", world.intake, now=MONDAY + timedelta(hours=1))
    assert not dossier.components.filter(kind="form").exists()
    _, first = form_data.dossier_form_pdf(Dossier.objects.get(pk=dossier.pk), "receipt")
    _, second = form_data.dossier_form_pdf(Dossier.objects.get(pk=dossier.pk), "receipt")
    assert first == second and verify_pdf(first).ok
    assert dossier.components.filter(kind="form").count() == 1


# --- the clerk's issuance step (SIG-01, SIG-06) --------------------------------------------------


def test_sig_01_sig_06_the_clerk_applies_the_agency_signature_when_issuing_the_result(
    world, clerk_process, receipt_pdf, root
):
    clerk = make_official("vanthu.e", world.unit, ["clerk"])
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "complete_step", world.handler, {"transition": "propose"}, now=at(14, 12))
    with pytest.raises(NotFound):  # nothing signed by the leader yet
        issue_signed_result(dossier, clerk, notation="15/QĐ-UBND", now=at(14, 13))
    with pytest.raises(Conflict):  # only a leader signs as competent signer
        sign_result_as_leader(dossier, receipt_pdf, clerk, now=at(14, 13))
    leader_event = sign_result_as_leader(dossier, receipt_pdf, world.leader, now=at(14, 13))
    draft = dossier.components.get(added_by_event=leader_event.seq)
    assert leader_event.payload["signature"]["sha256"] == draft.sha256
    assert draft.signatures["by_event"] == leader_event.seq and draft.signatures["signature"]["kind"] == "personal"
    perform_action(dossier, "complete_step", world.leader, {"transition": "sign"}, now=at(14, 14))
    with pytest.raises(Conflict):  # the organisation key is the clerk's (SIG-06)
        issue_signed_result(dossier, world.leader, notation="15/QĐ-UBND", now=at(14, 15))
    resolve = issue_signed_result(dossier, clerk, notation="15/QĐ-UBND", now=at(14, 15))
    dossier.refresh_from_db()
    assert dossier.status == "resolved" and resolve.role == "clerk"
    actions = list(dossier.events.order_by("seq").values_list("action", flat=True))
    assert actions[-5:] == ["sign", "complete_step", "sign", "complete_step", "resolve"]
    agency_sign = dossier.events.filter(action="sign").order_by("-seq").first()
    assert agency_sign.role == "clerk" and agency_sign.payload["signature"]["kind"] == "agency"
    assert resolve.payload["inputs"]["notation"] == "15/QĐ-UBND"
    result = dossier.components.get(kind="result")
    report = verify_pdf(_stored(result), [root])
    assert report.ok and len(report.signatures) == 2
    assert result.sha256 == agency_sign.payload["signature"]["sha256"]


# --- OS-INTAKE-08: signatures of uploaded PDFs are verified and kept per file --------------------


def _signed_upload(people, pki_server, code: str = "GT01", tamper: bool = False) -> Upload:
    signed = sign_pdf(make_pdf(), signer_for(people.leader, pki_server), level="B-B")
    if tamper:
        data = bytearray(signed)
        index = data.index(b"Trang 1") if b"Trang 1" in data else len(data) // 3
        data[index] ^= 0x01
        signed = bytes(data)
    return Upload(filename="to-khai-da-ky.pdf", content=signed, document_code=code, originals=1)


def test_os_intake_08_signed_pdf_components_are_verified_at_intake(world, people, pki_server):
    components = [
        _signed_upload(people, pki_server),
        Upload(filename="giay-chung-sinh.png", content=PNG, document_code="GT02", originals=1),
        Upload(filename="phu-luc.pdf", content=make_pdf(), name="Phụ lục"),
    ]
    dossier = counter_dossier(world, components=components)
    signed, image, plain = dossier.components.order_by("id")
    assert signed.signatures["signed"] is True and signed.signatures["ok"] is True
    (one,) = signed.signatures["signatures"]
    assert "Nguyễn Văn Lãnh" in one["signer"] and one["trusted"] and one["intact"] and not one["revoked"]
    assert one["serial"] == format(people.leader.certificate.serial_number, "X")
    assert image.signatures == {} and plain.signatures == {"signed": False}


def test_os_intake_08_a_damaged_signature_is_reported_on_the_supplement_event(world, people, pki_server):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "request_supplement", world.handler, {"items": ["GT01"], "reason": "Ký"}, now=at(14, 12))
    event = perform_action(
        dossier,
        "resupply",
        world.intake,
        {"items": ["GT01"]},
        files=[_signed_upload(people, pki_server, tamper=True)],
        now=at(14, 13),
    )
    check = event.attachments[0]["signatures"]
    assert check["signed"] is True and check["ok"] is False
    assert dossier.components.get(added_by_event=event.seq).signatures == check


def test_os_intake_08_untrusted_signer_is_signed_but_not_trusted(world, people, pki_server):
    from motcua.signing.models import TrustedRoot

    TrustedRoot.objects.update(is_active=False)
    dossier = counter_dossier(world, components=[_signed_upload(people, pki_server), *both_components()[1:]])
    (one,) = dossier.components.order_by("id").first().signatures["signatures"]
    assert one["intact"] and one["valid"] and not one["trusted"] and one["problems"]


def test_sig_07_the_signature_shows_in_the_officials_timeline_and_the_api_history(world, receipt_pdf, client):
    from tests.organizations.factories import PASSWORD

    dossier = to_processing(world, counter_dossier(world))
    resolve_with_signed_result(dossier, receipt_pdf, world.leader, now=MONDAY + timedelta(hours=3))
    client.post("/can-bo/dang-nhap/", {"username": world.leader.username, "password": PASSWORD})
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert page.count("<td>Ký số</td>") == 2, page[:2000]
    history = client.get(f"/api/v1/dossiers/{dossier.code}/events").json()
    signs = [e for e in history["items"] if e["action"] == "sign"]
    assert [s["payload"]["signature"]["kind"] for s in signs] == ["personal", "agency"]


def test_sig_07_signature_events_leave_the_report_facts_as_they_were(world, receipt_pdf):
    """The reports' fold gives the same parts with and without the `sign` events, and does not even
    refresh the facts for them."""
    from motcua.reports.facts import changes_facts, derive

    dossier = to_processing(world, counter_dossier(world))
    resolve_with_signed_result(dossier, receipt_pdf, world.leader, now=MONDAY + timedelta(hours=3))
    events = list(dossier.events.order_by("seq"))
    signs = [e for e in events if e.action == "sign"]
    assert len(signs) == 2 and not any(changes_facts(e) for e in signs)

    def facts(parts):  # `first`/`last` are positions in the event list, not facts
        return [{k: v for k, v in vars(p).items() if k not in ("first", "last")} for p in parts]

    assert facts(derive(events)) == facts(derive([e for e in events if e.action != "sign"]))


def test_os_intake_08_the_api_lists_each_components_signature_check(world, people, pki_server, client):
    from tests.organizations.factories import PASSWORD

    components = [_signed_upload(people, pki_server), *both_components()[1:]]
    dossier = counter_dossier(world, components=components)
    client.post("/can-bo/dang-nhap/", {"username": world.intake.username, "password": PASSWORD})
    body = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    by_code = {c["document_code"]: c["signatures"] for c in body["components"]}
    assert by_code["GT01"]["signed"] is True and by_code["GT01"]["ok"] is True
    assert "Nguyễn Văn Lãnh" in by_code["GT01"]["signatures"][0]["signer"]
    assert by_code["GT02"] == {}


def test_sig_07_the_owner_downloads_the_signed_receipt_from_the_portal(world, root, client):
    """Citizens receive the forms as issued (signed by the agency) on their dossier page; nobody else
    can fetch them."""
    from motcua.portal.models import Submission
    from tests.portal.builders import PASSWORD as CITIZEN_PASSWORD
    from tests.portal.builders import make_citizen

    dossier = _online(world)
    owner = make_citizen()
    Submission.objects.create(user=owner, dossier=dossier)
    perform_action(dossier, "accept", world.intake, now=MONDAY + timedelta(hours=1))
    form = dossier.components.get(kind="form")

    client.login(username=owner.username, password=CITIZEN_PASSWORD)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    link = f"/ho-so-cua-toi/{dossier.code}/giay-to/{form.pk}/"
    assert link in page and "Đã ký số" in page
    served = b"".join(client.get(link).streaming_content)
    assert served == _stored(form) and verify_pdf(served, [root]).ok

    client.logout()
    make_citizen(email="other@example.vn")
    client.login(username="other@example.vn", password=CITIZEN_PASSWORD)
    assert client.get(link).status_code == 404

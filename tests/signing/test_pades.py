"""PAdES signing and verification (SIG-08, SIG-09), checked by pyHanko and independently by
poppler's pdfsig with an NSS database that trusts only the test CA."""

from __future__ import annotations

import subprocess

import pytest

from motcua.core.errors import ValidationFailed
from motcua.signing.pades import Level, check_pdf, sign_pdf
from motcua.signing.verification import make_context, verify_pdf

from .conftest import make_pdf, pdfsig, signer_for


def _sign(level, people, pki_server, root, pdf):
    context = make_context([root])
    return sign_pdf(
        pdf,
        signer_for(people.leader, pki_server),
        level=level,
        tsa_url=f"{pki_server.url}/tsa",
        validation_context=context,
    )


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT"])
def test_sig_08_each_level_is_valid_and_trusted_for_pyhanko_and_pdfsig(
    level, people, pki_server, root, receipt_pdf, nssdb, tmp_path
):
    """SIG-08/SIG-09: a signature at each PAdES level verifies as intact, valid and trusted."""
    signed = _sign(level, people, pki_server, root, receipt_pdf)
    report = verify_pdf(signed, [root])
    assert len(report.signatures) == 1
    sig = report.signatures[0]
    assert (sig.intact, sig.valid, sig.trusted, sig.revoked) == (True, True, True, False)
    assert sig.ok and report.ok
    assert sig.level == level
    assert sig.signer.subject.startswith("Common Name: Nguyễn Văn Lãnh")
    assert [c.subject.split(",")[0] for c in sig.chain] == [
        "Common Name: motcua Test Root CA",
        "Common Name: Nguyễn Văn Lãnh",
    ]
    assert sig.signing_time is not None
    assert (sig.timestamp is not None) == (level != "B-B")
    if level != "B-B":
        assert sig.timestamp_valid
    assert not sig.modified_after_signing
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = pdfsig(nssdb, path)
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out


def test_sig_08_b_lt_embeds_revocation_data_usable_offline(people, pki_server, root, receipt_pdf):
    """B-LT: the CRL is in the document security store, so verification needs no network."""
    signed = _sign("B-LT", people, pki_server, root, receipt_pdf)
    assert b"/DSS" in signed and b"/CRLs" in signed
    sig = verify_pdf(signed, [root], allow_fetching=False).signatures[0]
    assert sig.trusted and sig.revocation == "good"


@pytest.mark.parametrize("level", ["B-B", "B-LT"])
def test_sig_09_one_flipped_byte_is_reported_by_pyhanko_and_pdfsig(
    level, people, pki_server, root, receipt_pdf, nssdb, tmp_path
):
    signed = bytearray(_sign(level, people, pki_server, root, receipt_pdf))
    # A byte inside the first page's content stream: the file still parses, the digest changes.
    at = signed.index(b"stream", 200) + 20
    signed[at] ^= 0x01
    report = verify_pdf(bytes(signed), [root])
    sig = report.signatures[0]
    assert not sig.intact and not sig.ok and not report.ok
    assert any("thay đổi" in p for p in sig.problems)
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(signed))
    out = pdfsig(nssdb, path)
    assert "Signature is Valid." not in out
    assert "Digest Mismatch" in out, out


def test_sig_09_revoked_signer_is_reported_by_pyhanko_and_pdfsig(
    people, pki_server, root, receipt_pdf, nssdb, tmp_path
):
    """A document signed by a certificate the CA has revoked (the CRL says so) is not valid."""
    signed = sign_pdf(receipt_pdf, signer_for(people.revoked, pki_server), level="B-T", tsa_url=f"{pki_server.url}/tsa")
    sig = verify_pdf(signed, [root], allow_fetching=True).signatures[0]
    assert sig.intact and sig.revoked and not sig.trusted and not sig.ok
    assert sig.revocation == "revoked"
    crl = tmp_path / "ca.crl"
    crl.write_bytes(pki_server.authority.pki.crl())
    subprocess.run(["crlutil", "-I", "-i", str(crl), "-d", f"sql:{nssdb}", "-B"], check=True, capture_output=True)
    path = tmp_path / "revoked.pdf"
    path.write_bytes(signed)
    out = pdfsig(nssdb, path)
    assert "Certificate has been Revoked." in out, out


def test_sig_09_b_lt_refuses_a_revoked_signer(people, pki_server, root, receipt_pdf):
    """Nothing is signed by mistake: B-LT collects revocation data and stops on a revoked key."""
    context = make_context([root])
    with pytest.raises(ValidationFailed) as caught:
        sign_pdf(
            receipt_pdf,
            signer_for(people.revoked, pki_server),
            level="B-LT",
            tsa_url=f"{pki_server.url}/tsa",
            validation_context=context,
        )
    assert caught.value.code == "certificate_invalid"


def test_sig_09_untrusted_root_is_reported(people, pki_server, receipt_pdf):
    """Trust comes from the configured roots only: with none configured, nothing is trusted."""
    signed = sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-B")
    sig = verify_pdf(signed, [], allow_fetching=False).signatures[0]
    assert sig.intact and sig.valid and not sig.trusted and not sig.ok
    assert any("tin cậy" in p for p in sig.problems)


def test_sig_09_second_signature_keeps_the_first_valid(people, pki_server, root, receipt_pdf):
    """SIG-01: the organisation signs after the competent signer; both verify, nothing 'modified'."""
    first = sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-B")
    both = sign_pdf(first, signer_for(people.agency, pki_server), level="B-B")
    report = verify_pdf(both, [root], allow_fetching=False)
    assert len(report.signatures) == 2
    assert all(s.intact and s.valid and s.trusted and not s.modified_after_signing for s in report.signatures)


def test_sig_09_content_added_after_signing_is_reported(people, pki_server, root, receipt_pdf):
    """An incremental update that adds a page after the signature: still intact, but modified."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-B")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.find_page_for_modification(0)[0].get_object()
    page[generic.NameObject("/Rotate")] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    sig = verify_pdf(out.getvalue(), [root], allow_fetching=False).signatures[0]
    assert sig.intact and sig.modified_after_signing and not sig.ok


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "pdf_empty"),
        (b"hello, not a pdf", "pdf_malformed"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "pdf_malformed"),
    ],
)
def test_hostile_input_gets_a_clear_message(data, code):
    with pytest.raises(ValidationFailed) as caught:
        check_pdf(data)
    assert caught.value.code == code


def test_huge_upload_is_refused_without_parsing(settings):
    from motcua.signing import pades

    with pytest.raises(ValidationFailed) as caught:
        check_pdf(b"%PDF-1.7\n" + b"0" * (pades.MAX_PDF_BYTES + 1))
    assert caught.value.code == "pdf_too_large"


def test_encrypted_pdf_is_refused_for_signing_and_verifying(people, pki_server):
    import io

    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf())))
    writer.security_handler = None
    writer.encrypt = None
    handler = StandardSecurityHandler.build_from_pw("chu-so-huu", "nguoi-doc")
    writer._assign_security_handler(handler)
    out = io.BytesIO()
    writer.write(out)
    encrypted = out.getvalue()
    with pytest.raises(ValidationFailed) as caught:
        verify_pdf(encrypted, [])
    assert caught.value.code == "pdf_encrypted"
    with pytest.raises(ValidationFailed):
        sign_pdf(encrypted, signer_for(people.leader, pki_server), level=Level.B_B)


def test_b_t_without_a_tsa_is_refused(people, pki_server, receipt_pdf):
    with pytest.raises(ValidationFailed):
        sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-T", tsa_url="")


def test_unreachable_tsa_signs_nothing(people, pki_server, receipt_pdf):
    with pytest.raises(ValidationFailed) as caught:
        sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-T", tsa_url="http://127.0.0.1:9/tsa")
    assert caught.value.code == "tsa_failed"


def test_hostile_damage_anywhere_never_crashes(people, pki_server, root, receipt_pdf):
    """Truncations and overwritten bytes across a signed file: a report or a clear refusal."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    signed = sign_pdf(receipt_pdf, signer_for(people.leader, pki_server), level="B-B")
    first, length, second, _ = map(int, re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)", signed).groups())
    gap = range(first + length, second)  # the /Contents hex string, the only unsigned bytes

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.integers(0, len(signed) - 1), st.binary(min_size=1, max_size=8), st.booleans())
    def damaged(at, junk, truncate):
        data = signed[:at] if truncate else signed[:at] + junk + signed[at + len(junk) :]
        try:
            report = verify_pdf(data, [root], allow_fetching=False)
        except ValidationFailed as exc:
            assert exc.code in {"pdf_empty", "pdf_malformed"}
            return
        if report.ok:
            # Still "ok" only if every changed byte lies in the unsigned gap (e.g. its zero padding).
            assert len(data) == len(signed)
            assert all(i in gap for i in range(len(data)) if data[i] != signed[i])

    damaged()

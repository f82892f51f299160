"""Revocation by OCSP instead of a CRL: the demo CA's responder over real HTTP (SIG-09)."""

from __future__ import annotations

import pytest

from motcua.signing.pades import sign_pdf
from motcua.signing.pki_server import start_demo_pki
from motcua.signing.verification import make_context, verify_pdf

from .conftest import signer_for


@pytest.fixture(scope="module")
def ocsp_server():
    server = start_demo_pki(root_name="motcua OCSP Test CA", ocsp=True)
    yield server
    server.stop()


def test_sig_09_ocsp_good_then_revoked(ocsp_server, receipt_pdf):
    pki = ocsp_server.authority.pki
    signer = pki.issue("Lê Thị OCSP")
    ocsp_server.authority.remember(signer)
    root = pki.root.certificate
    signed = sign_pdf(
        receipt_pdf,
        signer_for(signer, ocsp_server),
        level="B-LT",
        tsa_url=f"{ocsp_server.url}/tsa",
        validation_context=make_context([root]),
    )
    assert b"/OCSPs" in signed and b"/CRLs" not in signed
    sig = verify_pdf(signed, [root], allow_fetching=False).signatures[0]
    assert sig.ok and sig.revocation == "good"
    pki.revoke(signer.certificate)
    later = sign_pdf(receipt_pdf, signer_for(signer, ocsp_server), level="B-B")
    sig = verify_pdf(later, [root], allow_fetching=True).signatures[0]
    assert sig.revoked and not sig.ok


def test_malformed_ocsp_request_gets_an_error_status(ocsp_server):
    from cryptography.x509 import ocsp

    answer = ocsp.load_der_ocsp_response(ocsp_server.authority.pki.ocsp_response(b"not der", {}))
    assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST

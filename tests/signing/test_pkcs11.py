"""PKCS#11 keys through SoftHSM2 (SIG-10): a token made in a temporary directory, the key imported
with softhsm2-util, a PAdES signature made on the token and verified by pyHanko and pdfsig."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from motcua.core.errors import ValidationFailed
from motcua.signing.keys import pkcs11_signer
from motcua.signing.pades import sign_pdf
from motcua.signing.verification import verify_pdf

from .conftest import pdfsig

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(MODULE) and shutil.which("softhsm2-util")), reason="SoftHSM2 (apt: softhsm2) not installed"
)


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki_server):
    """One token per test process: the PKCS#11 library reads SOFTHSM2_CONF once, when loaded."""
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    run = lambda *args: subprocess.run(["softhsm2-util", *args], env=env, check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", "motcua-test", "--pin", PIN, "--so-pin", "654321")
    issued = pki_server.authority.pki.issue("Văn thư UBND phường Hạc Thành (HSM)")
    key_pem = folder / "key.pem"
    key_pem.write_bytes(
        issued.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run("--import", str(key_pem), "--token", "motcua-test", "--label", "vanthu", "--id", "01", "--pin", PIN)
    key_pem.unlink()
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    yield issued
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


def _der(issued):
    from cryptography.hazmat.primitives.serialization import Encoding

    return issued.certificate.public_bytes(Encoding.DER)


def test_sig_10_pkcs11_token_signs_b_t_verified_by_pyhanko_and_pdfsig(
    token, pki_server, root, receipt_pdf, nssdb, tmp_path
):
    with pkcs11_signer(MODULE, "motcua-test", "vanthu", PIN, cert_der=_der(token)) as signer:
        signed = sign_pdf(receipt_pdf, signer, level="B-T", tsa_url=f"{pki_server.url}/tsa")
    sig = verify_pdf(signed, [root]).signatures[0]
    assert sig.ok and sig.timestamp is not None
    assert "HSM" in sig.signer.subject
    path = tmp_path / "hsm.pdf"
    path.write_bytes(signed)
    out = pdfsig(nssdb, path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out


@pytest.mark.parametrize(
    ("token_label", "key_label", "pin", "code"),
    [
        ("khong-co", "vanthu", PIN, "token_missing"),
        ("motcua-test", "vanthu", "000000", "token_pin"),
        ("motcua-test", "khong-co-khoa", PIN, "token_key_missing"),
    ],
)
def test_sig_10_token_problems_get_clear_messages(token, token_label, key_label, pin, code):
    with (
        pytest.raises(ValidationFailed) as caught,
        pkcs11_signer(MODULE, token_label, key_label, pin, cert_der=_der(token)),
    ):
        pass
    assert caught.value.code == code


def test_sig_10_missing_module_is_reported():
    with pytest.raises(ValidationFailed) as caught, pkcs11_signer("/khong/co/module.so", "x", "y", "1"):
        pass
    assert caught.value.code == "token_missing"

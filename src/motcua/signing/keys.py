"""Where signing keys live (SIG-10): PKCS#12 files and PKCS#11 tokens (HSM, USB token, SoftHSM2).

The database only says where the key is: a PKCS#12 path plus the NAME of an environment variable
or of a secret file holding its password; or a PKCS#11 module, token label, key label and the name
of the environment variable or secret file holding the PIN. Passwords and PINs are never stored.
`open_signer()` is a context manager because a PKCS#11 session must be closed after use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign import signers

from motcua.core.errors import ValidationFailed
from motcua.signing import aio

SECRET_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")


def secrets_dir() -> Path:
    configured = getattr(settings, "MOTCUA", {}).get("SIGNING", {}).get("SECRETS_DIR")
    return Path(configured or os.environ.get("MOTCUA_SIGNING_SECRETS_DIR", "/run/secrets"))


def read_secret(env_var: str, secret_file: str) -> str:
    """The password or PIN named by an environment variable or a file in the secrets directory."""
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            raise ValidationFailed(
                _("Biến môi trường %(v)s chứa mật khẩu khoá ký chưa được đặt.") % {"v": env_var}, code="secret_missing"
            )
        return value
    if secret_file:
        if not set(secret_file) <= SECRET_NAME_CHARS or secret_file.startswith("."):
            raise ValidationFailed(_("Tên tệp bí mật không hợp lệ."), code="secret_missing")
        path = secrets_dir() / secret_file
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ValidationFailed(
                _("Không đọc được tệp bí mật %(f)s chứa mật khẩu khoá ký.") % {"f": secret_file}, code="secret_missing"
            ) from exc
    raise ValidationFailed(_("Khoá ký chưa khai báo nơi lấy mật khẩu (biến môi trường hoặc tệp bí mật)."))


class FileKeySigner(signers.SimpleSigner):
    """SimpleSigner that parses its RSA key once instead of on every signature, and skips the
    throw-away signature pyHanko makes to size the signature container: each costs ~80 ms of CPU
    for a 2048-bit key (cryptography re-checks the key on every load)."""

    _pyca_key = None

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        key = self._rsa_key()
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if key is None or mechanism != "rsassa_pkcs1v15":
            return self.sign_raw(data, digest_algorithm)
        if dry_run:
            return bytes(key.key_size // 8)
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import get_pyca_cryptography_hash

        return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    def _rsa_key(self):
        if self._pyca_key is None:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

            key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            self._pyca_key = key if isinstance(key, RSAPrivateKey) else False
        return self._pyca_key or None


def pkcs12_signer(data: bytes, password: str | bytes | None) -> signers.SimpleSigner:
    if isinstance(password, str):
        password = password.encode()
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=password or None)
    except ValueError as exc:
        raise ValidationFailed(
            _("Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng."), code="pkcs12_password"
        ) from exc
    return FileKeySigner(
        signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry
    )


@contextmanager
def pkcs11_signer(
    module: str, token_label: str, key_label: str, pin: str, cert_label: str = "", cert_der: bytes | None = None
) -> Iterator:
    """Open a session on the token, yield a PKCS11Signer, close the session. With `cert_der` (the
    registry's copy) the certificate need not be stored on the token."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    if not module or not Path(module).exists():
        raise ValidationFailed(_("Không tìm thấy thư viện PKCS#11 %(m)s.") % {"m": module}, code="token_missing")
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except pkcs11.exceptions.PinIncorrect as exc:
        raise ValidationFailed(_("Sai mã PIN của thiết bị ký."), code="token_pin") from exc
    except Exception as exc:
        raise ValidationFailed(
            _("Không kết nối được thiết bị ký “%(t)s” (chưa cắm hoặc không tồn tại).") % {"t": token_label},
            code="token_missing",
        ) from exc
    try:
        try:
            if cert_der:
                from asn1crypto import x509 as asn1_x509

                signer = PKCS11Signer(session, signing_cert=asn1_x509.Certificate.load(cert_der), key_label=key_label)
            else:
                signer = PKCS11Signer(session, cert_label=cert_label or key_label, key_label=key_label)
            # Fail here, clearly, when the key (or certificate) is not on the token.
            aio.run(signer.ensure_objects_loaded())
        except Exception as exc:
            raise ValidationFailed(
                _("Không tìm thấy khoá “%(k)s” trên thiết bị ký.") % {"k": key_label}, code="token_key_missing"
            ) from exc
        yield signer
    finally:
        session.close()


@contextmanager
def open_signer(certificate) -> Iterator[signers.Signer]:
    """The signer for a registry `Certificate` (models.Certificate), wherever its key lives."""
    from motcua.signing.models import KeyStore

    if certificate.key_store == KeyStore.PKCS12:
        password = read_secret(certificate.secret_env, certificate.secret_file)
        try:
            data = Path(certificate.pkcs12_path).read_bytes()
        except OSError as exc:
            raise ValidationFailed(_("Không đọc được tệp khoá PKCS#12."), code="pkcs12_missing") from exc
        yield pkcs12_signer(data, password)
    elif certificate.key_store == KeyStore.PKCS11:
        pin = read_secret(certificate.secret_env, certificate.secret_file)
        with pkcs11_signer(
            certificate.pkcs11_module,
            certificate.pkcs11_token,
            certificate.pkcs11_key,
            pin,
            certificate.pkcs11_cert,
            cert_der=None if certificate.pkcs11_cert else bytes(certificate.der),
        ) as signer:
            yield signer
    else:
        raise ValidationFailed(_("Chứng thư này không có khoá ký trên máy chủ."), code="no_key")

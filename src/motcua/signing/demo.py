"""The demo's own PKI, so that signing works out of the box (issue 6, "Demo").

The lead wires it into `motcua demo` like the fake payment gateway:

    from motcua.signing.demo import seed_demo_pki, demo_pki_environment, demo_pki_command
    seed_demo_pki(host=host, port=port)                      # after seed_demo (idempotent)
    env = demo_pki_environment(host, port)                   # before starting the children
    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    children.append(subprocess.Popen(demo_pki_command(sys.executable, host, port)))

`seed_demo_pki` creates (once) a demo root CA and a time-stamping certificate under
VAR_DIR/demo-pki/, trusts the root (TrustedRoot, is_demo), and issues an organisation certificate
for every agency that has officials and a personal certificate for every leader, with PKCS#12
files whose password is in VAR_DIR/demo-pki/password (passed to the server through the
environment variable MOTCUA_DEMO_SIGNING_PASSWORD, never stored in the database). It also draws a
blue signature image for leaders who have none and a red seal image per agency. The child process
`python -m motcua demo-pki` serves the RFC 3161 time-stamps and the CRL on port + 2.
Everything here is demo-only: the CA key is an unencrypted file.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from motcua.signing import registry
from motcua.signing.models import Certificate, CertificateKind, KeyStore
from motcua.signing.pki import DemoPKI, Issued

logger = logging.getLogger("motcua.signing")

PASSWORD_ENV = "MOTCUA_DEMO_SIGNING_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
LEADER_ROLES = ("department_leader", "agency_leader")


def pki_port(port: int) -> int:
    return port + 2


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-pki"


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load(folder: Path, name: str) -> Issued:
    cert = x509.load_pem_x509_certificate((folder / f"{name}.pem").read_bytes())
    key = serialization.load_pem_private_key((folder / f"{name}.key").read_bytes(), password=None)
    return Issued(cert, key)


def load_pki(folder: Path | None = None) -> tuple[DemoPKI, Issued, str]:
    """The demo CA, its TSA certificate and the CRL URL written into the certificates."""
    folder = folder or demo_dir()
    crl_url = (folder / "crl_url").read_text().strip()
    return DemoPKI(root=_load(folder, "ca"), crl_url=crl_url), _load(folder, "tsa"), crl_url


def _create_pki(folder: Path, crl_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pki = DemoPKI.create(name="motcua Demo Root CA", crl_url=crl_url)
    tsa = pki.issue("motcua Demo TSA", organization="motcua (thử nghiệm)", timestamping=True, days=3650)
    for name, issued in (("ca", pki.root), ("tsa", tsa)):
        (folder / f"{name}.pem").write_bytes(issued.pem())
        _write_private(folder / f"{name}.key", _key_pem(issued.key))
    (folder / "crl_url").write_text(crl_url)
    _write_private(folder / "password", secrets.token_urlsafe(18).encode())


def demo_password(folder: Path | None = None) -> str:
    return ((folder or demo_dir()) / "password").read_text().strip()


def demo_pki_environment(host: str, port: int, folder: Path | None = None) -> dict[str, str]:
    """Environment for the server: the TSA URL and the password of the demo PKCS#12 files."""
    return {
        "MOTCUA_SIGNING_TSA_URL": f"http://{host}:{pki_port(port)}/tsa",
        PASSWORD_ENV: demo_password(folder),
    }


def demo_pki_command(python: str, host: str, port: int) -> list[str]:
    return [python, "-m", "motcua", "demo-pki", "--host", host, "--port", str(pki_port(port))]


def signature_png(seed: int) -> bytes:
    """A blue, transparent 'handwritten' stroke (SIG-02), different per official."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    wobble = [(20 + i * 26, 60 + ((seed * (i + 3)) % 50) - 25) for i in range(11)]
    draw.line(wobble, fill=(20, 40, 190, 255), width=5, joint="curve")
    draw.line((40, 95, 260, 88), fill=(20, 40, 190, 255), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seal_png(label: str) -> bytes:
    """A red, transparent round seal with the agency's short name (SIG-03)."""
    from PIL import Image, ImageDraw, ImageFont

    from motcua.signing.appearance import font_path

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (210, 20, 20, 255)
    draw.ellipse((6, 6, 234, 234), outline=red, width=8)
    draw.ellipse((30, 30, 210, 210), outline=red, width=3)
    try:
        font = ImageFont.truetype(font_path("NotoSans-Regular.ttf"), 26)
    except OSError:
        font = ImageFont.load_default()
    draw.text((120, 120), label[:12], fill=red, font=font, anchor="mm")
    draw.text((120, 160), "★", fill=red, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class DemoPKIResult:
    root_fingerprint: str
    agency_certificates: int
    personal_certificates: int


def seed_demo_pki(*, host: str = "127.0.0.1", port: int = 8000, folder: Path | None = None, log=print) -> DemoPKIResult:
    """Idempotent: the CA is made once; agencies and leaders without a demo certificate get one."""
    from motcua.organizations.models import Agency, Official

    folder = folder or demo_dir()
    if not (folder / "ca.pem").exists():
        log("Demo PKI: creating a demo root CA and a time-stamp authority…")
        _create_pki(folder, f"http://{host}:{pki_port(port)}/crl")
    pki, _tsa, _url = load_pki(folder)
    password = demo_password(folder)
    root = registry.add_trusted_root(pki.root.pem(), name="motcua Demo Root CA (thử nghiệm)", is_demo=True)
    keys = folder / "keys"
    keys.mkdir(exist_ok=True)
    made = {"agency": 0, "personal": 0}

    def store(issued: Issued, **fields) -> Certificate:
        path = keys / f"{issued.certificate.serial_number:x}.p12"
        _write_private(path, issued.pkcs12(password.encode(), chain=[pki.root.certificate]))
        made[fields["kind"]] += 1
        return registry.import_certificate(
            issued.pem(), key_store=KeyStore.PKCS12, pkcs12_path=str(path), secret_env=PASSWORD_ENV, **fields
        )

    demo_issuer = pki.root.certificate.subject.rfc4514_string()
    agencies = Agency.objects.filter(officials__isnull=False).distinct().order_by("pk")
    for agency in agencies:
        with transaction.atomic():
            have = Certificate.objects.filter(agency=agency, kind=CertificateKind.AGENCY, issuer=demo_issuer)
            if not have.exists():
                cert = store(pki.issue(agency.name[:64], organization="motcua demo"), kind="agency", agency=agency)
                cert.seal_image.save(f"seal-{agency.pk}.png", ContentFile(seal_png(agency.short_name or "UBND")))
    leaders = Official.objects.filter(roles__role__in=LEADER_ROLES, is_active=True).distinct().order_by("pk")
    for official in leaders:
        with transaction.atomic():
            have = Certificate.objects.filter(official=official, kind=CertificateKind.PERSONAL, issuer=demo_issuer)
            if not have.exists():
                store(
                    pki.issue(official.full_name[:64], organization=official.agency.name[:64]),
                    kind="personal",
                    agency=official.agency,
                    official=official,
                )
            if not official.signature_image:
                official.signature_image.save(f"signature-{official.pk}.png", ContentFile(signature_png(official.pk)))
    log(f"Demo PKI: {made['agency']} agency and {made['personal']} personal certificates issued.")
    os.environ.setdefault(PASSWORD_ENV, password)
    return DemoPKIResult(root.fingerprint, made["agency"], made["personal"])

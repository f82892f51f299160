"""Fixtures for the signing tests: a demo PKI served over real HTTP on 127.0.0.1 (CRL + RFC 3161
time-stamps), certificates issued by it, small PDFs, PNG images and an NSS database for pdfsig."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from motcua.signing import registry
from motcua.signing.keys import pkcs12_signer
from motcua.signing.models import KeyStore
from motcua.signing.pki import Issued
from motcua.signing.pki_server import RunningServer, start_demo_pki
from tests.dossiers.builders import build_world

PASSWORD = "mat-khau-thu"


@pytest.fixture(scope="session")
def pki_server():
    server = start_demo_pki(root_name="motcua Test Root CA")
    yield server
    server.stop()


@dataclass
class People:
    agency: Issued
    leader: Issued
    revoked: Issued


@pytest.fixture(scope="session")
def people(pki_server: RunningServer) -> People:
    pki = pki_server.authority.pki
    agency = pki.issue("Ủy ban nhân dân phường Hạc Thành", organization="UBND tỉnh Thanh Hoá")
    leader = pki.issue("Nguyễn Văn Lãnh", organization="UBND phường Hạc Thành")
    revoked = pki.issue("Trần Thị Thu Hồi", organization="UBND phường Hạc Thành")
    pki_server.authority.remember(agency, leader, revoked)
    pki.revoke(revoked.certificate)
    return People(agency, leader, revoked)


def signer_for(issued: Issued, pki_server: RunningServer):
    data = issued.pkcs12(PASSWORD.encode(), chain=[pki_server.authority.pki.root.certificate])
    return pkcs12_signer(data, PASSWORD)


@pytest.fixture(scope="session")
def root(pki_server):
    return pki_server.authority.pki.root.certificate


def make_pdf(pages: int = 1, size: str = "A5", text: str = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") -> bytes:
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>{text}</h1><p>Trang {i + 1}</p></section>' for i in range(pages)
    )
    style = f"@page {{ size: {size}; margin: 15mm }} body {{ font-family: 'Noto Serif' }}"
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf()


@pytest.fixture(scope="session")
def receipt_pdf() -> bytes:
    return make_pdf()


def png(colour: tuple[int, int, int], size=(300, 120), circle: bool = False) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if circle:
        draw.ellipse((4, 4, size[0] - 4, size[1] - 4), outline=colour + (255,), width=8)
    else:
        draw.line((10, size[1] - 20, size[0] // 2, 15, size[0] - 10, size[1] - 30), fill=colour + (255,), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    return png((0, 0, 200))


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    return png((220, 0, 0), size=(150, 150), circle=True)


@pytest.fixture
def nssdb(tmp_path, root):
    """An NSS database trusting only the test root, for poppler's pdfsig."""
    from cryptography.hazmat.primitives.serialization import Encoding

    folder = tmp_path / "nss"
    folder.mkdir()
    (tmp_path / "root.pem").write_bytes(root.public_bytes(Encoding.PEM))
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "motcua-test-root",
            "-t",
            "CT,C,C",
            "-i",
            str(tmp_path / "root.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def pdfsig(nssdb, path) -> str:
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nssdb}", str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout + result.stderr


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


@pytest.fixture
def clerk_process(world):
    from motcua.catalog import process_services as ps
    from tests.catalog.process_docs import move, step

    doc = {
        "procedure": world.version.procedure.procedure_code,
        "agency": None,
        "name": "Quy trình có bước văn thư",
        "valid_from": "2025-01-01",
        "steps": [
            step("tham_dinh", "Thẩm định", "handler", 1, start=True),
            step("ld_ky", "Lãnh đạo ký", "department_leader", 0.5, substate="awaiting_signature"),
            step("van_thu", "Văn thư vào sổ, đóng dấu, phát hành", "clerk", 4, unit="working_hours"),
            step("tra", "Trả kết quả", "intake_officer", 0.5, substate="assigned", final=True),
        ],
        "transitions": [
            move("propose", "tham_dinh", "ld_ky", ["handler"]),
            move("sign", "ld_ky", "van_thu", ["department_leader"]),
            move("issue", "van_thu", "tra", ["clerk"]),
            move("send_back", "van_thu", "ld_ky", ["clerk"], ["comment"]),
        ],
    }

    return ps.import_process(doc, publish=True)

"""Builders for the dossier database tests: agencies, officials with roles, a published procedure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from motcua.catalog import versioning
from motcua.catalog.models import RequiredDocument
from motcua.dossiers.applicants import Applicant
from motcua.dossiers.files import Upload
from motcua.dossiers.services import perform_action, receive_dossier
from motcua.organizations.models import Official, RoleAssignment
from tests.catalog.factories import VersionFactory
from tests.organizations.factories import PASSWORD, agency

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2025, 7, 14, 9, 0, tzinfo=HCM)  # an ordinary working Monday
UNIT_CODE = "000.00.01.H56"
OTHER_CODE = "000.00.02.H56"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


def at(day: int, hour: int = 9, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=HCM)


def make_official(username: str, owner, roles=()):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    person = Official.objects.create(user=user, full_name=f"Cán bộ {username}", agency=owner)
    for role in roles:
        RoleAssignment.objects.create(official=person, role=role, agency=owner)
    return user


@dataclass
class World:
    unit: object
    other: object
    version: object
    intake: object
    handler: object
    leader: object
    outsider: object


def build_world(time_limit: str = "3") -> World:
    unit = agency(code=UNIT_CODE, name="Ủy ban nhân dân phường Hạc Thành")
    other = agency(code=OTHER_CODE, name="Ủy ban nhân dân phường Đông Sơn")
    version = VersionFactory(
        name="Đăng ký khai sinh",
        time_limit_days=Decimal(time_limit),
        channels=["counter", "postal", "online"],
        valid_from=MONDAY.date() - timedelta(days=200),
    )
    RequiredDocument.objects.create(version=version, code="GT01", name="Tờ khai đăng ký khai sinh", originals=1)
    RequiredDocument.objects.create(version=version, code="GT02", name="Giấy chứng sinh", originals=1, order=1)
    versioning.publish(version)
    return World(
        unit=unit,
        other=other,
        version=version,
        intake=make_official("motcua.a", unit, ["intake_officer"]),
        handler=make_official("chuyenvien.b", unit, ["handler"]),
        leader=make_official("lanhdao.c", unit, ["department_leader"]),
        outsider=make_official("ngoai.d", other, ["intake_officer", "handler", "department_leader"]),
    )


def citizen(**overrides) -> Applicant:
    values = {
        "type": "citizen",
        "name": "Trần Thị Bích Ngọc",
        "id_number": "038190001234",
        "address": "12 Lê Lợi, phường Hạc Thành, Thanh Hóa",
        "phone": "0912345678",
        "email": "ngoc@example.vn",
    }
    values.update(overrides)
    return Applicant(**values)


def both_components() -> list[Upload]:
    return [
        Upload(filename="to-khai.pdf", content=PDF, document_code="GT01", originals=1),
        Upload(filename="giay-chung-sinh.png", content=PNG, document_code="GT02", originals=1),
    ]


def counter_dossier(world: World, *, accept: bool = True, now: datetime = MONDAY, **kwargs):
    result = receive_dossier(
        procedure_code=world.version.procedure.procedure_code,
        channel=kwargs.pop("channel", "counter"),
        receiving_unit=world.unit,
        applicant=kwargs.pop("applicant", citizen()),
        components=kwargs.pop("components", both_components()),
        user=kwargs.pop("user", world.intake),
        accept=accept,
        now=now,
        **kwargs,
    )
    return result.dossier


def to_processing(world: World, dossier, now: datetime = MONDAY):
    """Transfer to the competent unit and assign the handler."""
    perform_action(dossier, "transfer", world.intake, {"recipient": UNIT_CODE}, now=now + timedelta(hours=1))
    perform_action(dossier, "assign", world.leader, {"assignee": "chuyenvien.b"}, now=now + timedelta(hours=2))
    return dossier

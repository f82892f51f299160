"""Builders for the portal tests: a unit with officials, the demo-like birth registration procedure
(code 1.001193, so the built-in e-form applies) with documents, a template, a fee and legal basis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from motcua.catalog import versioning
from motcua.catalog.models import Fee, LegalBasis, RequiredDocument
from motcua.portal.models import Profile
from tests.catalog.factories import ProcedureFactory, SectorFactory, VersionFactory
from tests.dossiers.builders import PDF, PNG, make_official
from tests.organizations.factories import agency

UNIT_CODE = "000.00.01.H56"
PASSWORD = "Mat-khau-Cong-dan-2025"
__all__ = ["PDF", "PNG", "PASSWORD", "UNIT_CODE", "build", "make_citizen"]


@dataclass
class PortalWorld:
    unit: object
    version: object
    intake: object
    handler: object
    leader: object


def birth_registration(unit, *, code: str = "1.001193", fee: int = 8000, name: str = "Đăng ký khai sinh"):
    version = VersionFactory(
        procedure=ProcedureFactory(procedure_code=code, name=name),
        name=name,
        sector=SectorFactory(name="Hộ tịch", field_code="HT01", code="H56-HT01"),
        time_limit_days=Decimal("3"),
        channels=["counter", "postal", "online"],
        service_mode="online_full",
        steps="Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        valid_from=dt.date(2024, 1, 1),
    )
    version.agencies.add(unit)
    form = RequiredDocument(
        version=version,
        code="GT01",
        name="Tờ khai đăng ký khai sinh",
        originals=1,
        template_name="Mẫu tờ khai",
        e_form=True,
    )
    form.template_file.save("to-khai-khai-sinh.pdf", ContentFile(PDF), save=False)
    form.save()
    RequiredDocument.objects.create(version=version, code="GT02", name="Giấy chứng sinh", originals=1, order=1)
    if fee:
        Fee.objects.create(version=version, code="P01", name="Phí cấp bản sao", kind="fee", amount=fee, channel="all")
    LegalBasis.objects.create(version=version, number="60/2014/QH13", title="Luật Hộ tịch")
    return versioning.publish(version)


def build(fee: int = 8000) -> PortalWorld:
    unit = agency(code=UNIT_CODE, name="Ủy ban nhân dân phường Hạc Thành")
    version = birth_registration(unit, fee=fee)
    return PortalWorld(
        unit=unit,
        version=version,
        intake=make_official("motcua.a", unit, ["intake_officer"]),
        handler=make_official("chuyenvien.b", unit, ["handler"]),
        leader=make_official("lanhdao.c", unit, ["department_leader"]),
    )


def make_citizen(email: str = "ngoc@example.vn"):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    Profile.objects.create(
        user=user,
        full_name="Trần Thị Bích Ngọc",
        id_number="038190001234",
        phone="0912345678",
        address="12 Lê Lợi, phường Hạc Thành, Thanh Hóa",
        email_verified=True,
    )
    return user


BIRTH_FORM = {
    "form_child_name": "Lê Minh An",
    "form_child_birth_date": "2025-07-01",
    "form_child_sex": "nam",
    "form_birth_place": "Bệnh viện Đa khoa tỉnh Thanh Hóa",
    "form_father_name": "Lê Văn Bình",
    "form_mother_name": "Trần Thị Bích Ngọc",
    "form_relationship": "mẹ",
}


def file_online(client, user) -> str:
    """File the birth registration online through the portal's pages; returns the dossier code."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.portal.models import Draft

    client.force_login(user)
    pk = int(re.search(r"/nop-ho-so/(\d+)/", client.post("/thu-tuc/1.001193/nop/")["Location"]).group(1))
    files = {
        "doc_0": SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
        "doc_1": SimpleUploadedFile("chung-sinh.png", PNG, content_type="image/png"),
    }
    applicant = {
        "applicant_name": "Trần Thị Bích Ngọc",
        "applicant_id_number": "038190001234",
        "applicant_phone": "0912345678",
        "applicant_email": user.email,
        "applicant_address": "12 Lê Lợi, phường Hạc Thành, Thanh Hóa",
    }
    client.post(f"/nop-ho-so/{pk}/", {"agency": UNIT_CODE, **applicant, **BIRTH_FORM, **files, "next": "review"})
    response = client.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": Draft.objects.get(pk=pk).idempotency_key})
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def officials_resolve(world, code: str, *, supplement: bool = False):
    """The agency's side through the dossier services: (request a supplement), accept, transfer,
    assign, resolve with the result document."""
    from motcua.dossiers.files import Upload
    from motcua.dossiers.services import get_dossier, perform_action

    dossier = get_dossier(code)
    if supplement:
        perform_action(
            dossier, "request_supplement", world.intake, {"reason": "Ảnh mờ", "items": ["Giấy chứng sinh bản chính"]}
        )
        return dossier
    perform_action(dossier, "accept", world.intake, {})
    perform_action(dossier, "transfer", world.intake, {"recipient": UNIT_CODE})
    perform_action(dossier, "assign", world.leader, {"assignee": "chuyenvien.b"})
    perform_action(
        dossier,
        "resolve",
        world.leader,
        {"result_kind": "approval"},
        files=[Upload("giay-khai-sinh.pdf", PDF, "Giấy khai sinh")],
    )
    return dossier

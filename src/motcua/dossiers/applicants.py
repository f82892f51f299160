"""Applicant and delegate data at intake (OS-INTAKE-10): what is required and how it is checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError
from motcua.core.text import nfc

CITIZEN_ID_RE = re.compile(r"^\d{12}$")  # số định danh cá nhân (căn cước)
TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")  # mã số thuế: 10 digits, or 13 with a dash for branches
PHONE_RE = re.compile(r"^\+?\d{9,15}$")
APPLICANT_TYPES = ("citizen", "business")


@dataclass(frozen=True)
class Applicant:
    type: str
    name: str
    id_number: str
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Delegate:
    name: str
    id_number: str = ""
    phone: str = ""


def _clean_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def normalised(applicant: Applicant) -> Applicant:
    return Applicant(
        type=(applicant.type or "").strip(),
        name=nfc((applicant.name or "").strip()),
        id_number=(applicant.id_number or "").strip(),
        address=nfc((applicant.address or "").strip()),
        phone=_clean_phone(applicant.phone),
        email=(applicant.email or "").strip(),
    )


def normalised_delegate(delegate: Delegate | None) -> Delegate | None:
    if delegate is None or not (delegate.name or "").strip():
        return None
    return Delegate(
        name=nfc(delegate.name.strip()),
        id_number=(delegate.id_number or "").strip(),
        phone=_clean_phone(delegate.phone),
    )


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def applicant_errors(applicant: Applicant, prefix: str = "applicant") -> list[FieldError]:
    """Every problem with a (normalised) applicant, one FieldError per field."""
    errors: list[FieldError] = []

    def fail(field: str, code: str, message: str) -> None:
        errors.append(FieldError(field=f"{prefix}.{field}", code=code, message=message))

    if applicant.type not in APPLICANT_TYPES:
        fail("type", "invalid", _("Loại chủ hồ sơ phải là công dân (citizen) hoặc tổ chức (business)."))
    if not applicant.name:
        fail("name", "required", _("Chưa có tên chủ hồ sơ."))
    if applicant.type == "citizen" and not CITIZEN_ID_RE.match(applicant.id_number):
        fail("id_number", "invalid", _("Số định danh cá nhân phải gồm đúng 12 chữ số."))
    if applicant.type == "business" and not TAX_CODE_RE.match(applicant.id_number):
        fail("id_number", "invalid", _("Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số dạng 0123456789-001."))
    if applicant.phone and not PHONE_RE.match(applicant.phone):
        fail("phone", "invalid", _("Số điện thoại không hợp lệ."))
    if applicant.email and not _email_ok(applicant.email):
        fail("email", "invalid", _("Địa chỉ thư điện tử không hợp lệ."))
    return errors


def delegate_errors(delegate: Delegate | None) -> list[FieldError]:
    if delegate is None:
        return []
    errors: list[FieldError] = []
    if delegate.id_number and not CITIZEN_ID_RE.match(delegate.id_number):
        errors.append(FieldError("delegate.id_number", "invalid", _("Số định danh cá nhân phải gồm đúng 12 chữ số.")))
    if delegate.phone and not PHONE_RE.match(delegate.phone):
        errors.append(FieldError("delegate.phone", "invalid", _("Số điện thoại không hợp lệ.")))
    return errors

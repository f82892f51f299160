"""E-forms as data (PTL-SUB-04): a JSON Schema with UI hints per procedure, validated server-side
with Vietnamese messages, rendered by the portal's templates.

A procedure's form comes from the `EForm` row for its code when there is one, else from the
built-in definitions below (the demo procedures), else the generic "request" form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from motcua.core.errors import FieldError

NAME = {"type": "string", "minLength": 2, "maxLength": 200}
DATE = {"type": "string", "format": "date"}
ID_NUMBER = {"type": "string", "pattern": "^[0-9]{12}$"}
SEX = {"type": "string", "enum": ["nam", "nu"]}

BUILT_IN: dict[str, dict[str, Any]] = {
    # Đăng ký khai sinh
    "1.001193": {
        "title": "Tờ khai đăng ký khai sinh",
        "schema": {
            "type": "object",
            "required": ["child_name", "child_birth_date", "child_sex", "birth_place", "mother_name", "relationship"],
            "properties": {
                "child_name": {**NAME, "title": "Họ, chữ đệm, tên của trẻ"},
                "child_birth_date": {**DATE, "title": "Ngày, tháng, năm sinh"},
                "child_sex": {**SEX, "title": "Giới tính"},
                "birth_place": {"type": "string", "minLength": 2, "maxLength": 300, "title": "Nơi sinh"},
                "father_name": {"type": "string", "maxLength": 200, "title": "Họ, chữ đệm, tên người cha"},
                "mother_name": {**NAME, "title": "Họ, chữ đệm, tên người mẹ"},
                "relationship": {"type": "string", "minLength": 2, "maxLength": 50, "title": "Quan hệ với trẻ"},
            },
        },
        "ui": {
            "order": [
                "child_name",
                "child_birth_date",
                "child_sex",
                "birth_place",
                "father_name",
                "mother_name",
                "relationship",
            ],
            "child_sex": {"labels": {"nam": "Nam", "nu": "Nữ"}},
            "birth_place": {"help": "Tên cơ sở y tế hoặc địa chỉ nơi sinh."},
            "relationship": {"help": "Ví dụ: cha, mẹ, ông, bà."},
        },
    },
    # Đăng ký kết hôn
    "1.000894": {
        "title": "Tờ khai đăng ký kết hôn",
        "schema": {
            "type": "object",
            "required": ["husband_name", "husband_birth_date", "husband_id", "wife_name", "wife_birth_date", "wife_id"],
            "properties": {
                "husband_name": {**NAME, "title": "Họ, chữ đệm, tên bên nam"},
                "husband_birth_date": {**DATE, "title": "Ngày sinh bên nam"},
                "husband_id": {**ID_NUMBER, "title": "Số định danh cá nhân bên nam"},
                "wife_name": {**NAME, "title": "Họ, chữ đệm, tên bên nữ"},
                "wife_birth_date": {**DATE, "title": "Ngày sinh bên nữ"},
                "wife_id": {**ID_NUMBER, "title": "Số định danh cá nhân bên nữ"},
            },
        },
        "ui": {
            "order": ["husband_name", "husband_birth_date", "husband_id", "wife_name", "wife_birth_date", "wife_id"]
        },
    },
    # Cấp Giấy xác nhận tình trạng hôn nhân
    "1.004873": {
        "title": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
        "schema": {
            "type": "object",
            "required": ["marital_status", "purpose", "copies"],
            "properties": {
                "marital_status": {
                    "type": "string",
                    "enum": ["single", "divorced", "widowed"],
                    "title": "Tình trạng hôn nhân",
                },
                "purpose": {"type": "string", "minLength": 3, "maxLength": 300, "title": "Mục đích sử dụng"},
                "copies": {"type": "integer", "minimum": 1, "maximum": 10, "title": "Số bản yêu cầu"},
            },
        },
        "ui": {
            "order": ["marital_status", "purpose", "copies"],
            "marital_status": {
                "labels": {"single": "Chưa kết hôn", "divorced": "Đã ly hôn", "widowed": "Vợ/chồng đã chết"}
            },
            "purpose": {"widget": "textarea"},
        },
    },
}

GENERIC = {
    "title": "Đơn đề nghị",
    "schema": {
        "type": "object",
        "required": ["request"],
        "properties": {"request": {"type": "string", "minLength": 5, "maxLength": 2000, "title": "Nội dung đề nghị"}},
    },
    "ui": {"order": ["request"], "request": {"widget": "textarea"}},
}


@dataclass(frozen=True)
class FormDefinition:
    title: str
    schema: dict[str, Any]
    ui: dict[str, Any]
    # The generic request form stands in for procedures without an e-form of their own.
    generic: bool = False


@dataclass
class RenderedField:
    name: str
    label: str
    widget: str
    value: str
    required: bool
    help: str
    choices: list[tuple[str, str]]
    error: str
    input_type: str


def definition_for(procedure_code: str) -> FormDefinition:
    from motcua.portal.models import EForm

    row = EForm.objects.filter(procedure_code=procedure_code).only("title", "schema", "ui").first()
    if row is not None:
        return FormDefinition(row.title, row.schema, row.ui or {})
    raw = BUILT_IN.get(procedure_code)
    if raw is None:
        return FormDefinition(GENERIC["title"], GENERIC["schema"], GENERIC["ui"], generic=True)
    return FormDefinition(raw["title"], raw["schema"], raw["ui"])


def check_definition(schema: dict[str, Any]) -> None:
    """Raise jsonschema's SchemaError for a schema that is not valid JSON Schema (admin check)."""
    Draft202012Validator.check_schema(schema)


def _field_names(definition: FormDefinition) -> list[str]:
    properties = definition.schema.get("properties", {})
    order = [name for name in definition.ui.get("order", []) if name in properties]
    return order + [name for name in properties if name not in order]


def coerce(definition: FormDefinition, raw: Any) -> dict[str, Any]:
    """Form strings -> JSON values by the schema's types; empty fields are left out (so `required`
    reports them); an integer that does not parse stays a string so the type error names it."""
    data: dict[str, Any] = {}
    properties = definition.schema.get("properties", {})
    for name in _field_names(definition):
        value = str(raw.get(name, "") or "").strip()
        if not value:
            continue
        if properties[name].get("type") == "integer":
            try:
                data[name] = int(value)
                continue
            except ValueError:
                pass
        data[name] = value
    return data


def _message(error: Any, title: str) -> str:
    kind, schema = error.validator, error.schema
    if kind == "minLength":
        return _("“%(field)s” cần ít nhất %(n)s ký tự.") % {"field": title, "n": schema.get("minLength")}
    if kind == "maxLength":
        return _("“%(field)s” không được dài quá %(n)s ký tự.") % {"field": title, "n": schema.get("maxLength")}
    if kind == "format" and schema.get("format") == "date":
        return _("“%(field)s” phải là một ngày hợp lệ (năm-tháng-ngày).") % {"field": title}
    if kind == "pattern":
        return _("“%(field)s” không đúng định dạng.") % {"field": title}
    if kind == "enum":
        return _("Vui lòng chọn một giá trị hợp lệ cho “%(field)s”.") % {"field": title}
    if kind in {"type", "minimum", "maximum"}:
        return _("“%(field)s” phải là số trong khoảng cho phép.") % {"field": title}
    return _("“%(field)s” không hợp lệ.") % {"field": title}


def validate(definition: FormDefinition, data: dict[str, Any]) -> list[FieldError]:
    """One Vietnamese message per invalid field (the first error of each), as `form.<name>`."""
    properties = definition.schema.get("properties", {})
    validator = Draft202012Validator(definition.schema, format_checker=FormatChecker())
    found: dict[str, FieldError] = {}
    for name in definition.schema.get("required", []):
        if name not in data:
            title = str(properties.get(name, {}).get("title", name))
            found[name] = FieldError(f"form.{name}", "required", _("Vui lòng nhập “%(field)s”.") % {"field": title})
    for error in validator.iter_errors(data):
        name = str(error.path[0]) if error.path else ""
        if error.validator == "required" or not name or name in found:
            continue
        title = str(properties.get(name, {}).get("title", name))
        found[name] = FieldError(f"form.{name}", str(error.validator), _message(error, title))
    return [found[name] for name in _field_names(definition) if name in found]


def render_fields(definition: FormDefinition, values: dict[str, Any], errors: dict[str, str]) -> list[RenderedField]:
    properties = definition.schema.get("properties", {})
    required = set(definition.schema.get("required", []))
    fields = []
    for name in _field_names(definition):
        prop, hints = properties[name], definition.ui.get(name, {})
        choices: list[tuple[str, str]] = []
        if "enum" in prop:
            labels = hints.get("labels", {})
            choices = [(str(v), str(labels.get(v, v))) for v in prop["enum"]]
        widget = "select" if choices else hints.get("widget", "input")
        input_type = "date" if prop.get("format") == "date" else ("number" if prop.get("type") == "integer" else "text")
        fields.append(
            RenderedField(
                name=name,
                label=str(prop.get("title", name)),
                widget=widget,
                value="" if values.get(name) is None else str(values.get(name)),
                required=name in required,
                help=str(hints.get("help", "")),
                choices=choices,
                error=errors.get(f"form.{name}", ""),
                input_type=input_type,
            )
        )
    return fields


def display(definition: FormDefinition, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) pairs for review and the receipt; enum values show their labels."""
    properties = definition.schema.get("properties", {})
    rows = []
    for name in _field_names(definition):
        if name not in data:
            continue
        labels = definition.ui.get(name, {}).get("labels", {})
        rows.append((str(properties[name].get("title", name)), str(labels.get(data[name], data[name]))))
    return rows

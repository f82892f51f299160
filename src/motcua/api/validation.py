"""Vietnamese (and English) messages for the request errors pydantic finds in query and body data.

pydantic's own messages are English only; the API promises messages in the caller's language, so
the shared error handler rewrites each error by its type.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def _messages() -> dict[str, str]:
    return {
        "missing": _("Thiếu giá trị bắt buộc."),
        "int_parsing": _("Phải là số nguyên."),
        "int_type": _("Phải là số nguyên."),
        "int_from_float": _("Phải là số nguyên."),
        "float_parsing": _("Phải là một số."),
        "decimal_parsing": _("Phải là một số."),
        "finite_number": _("Phải là một số hữu hạn."),
        "bool_parsing": _("Phải là true hoặc false."),
        "greater_than": _("Phải lớn hơn %(gt)s."),
        "greater_than_equal": _("Phải lớn hơn hoặc bằng %(ge)s."),
        "less_than": _("Phải nhỏ hơn %(lt)s."),
        "less_than_equal": _("Phải nhỏ hơn hoặc bằng %(le)s."),
        "string_too_long": _("Dài quá %(max_length)s ký tự."),
        "string_too_short": _("Phải có ít nhất %(min_length)s ký tự."),
        "enum": _("Giá trị không hợp lệ; chọn một trong: %(expected)s."),
        "literal_error": _("Giá trị không hợp lệ; chọn một trong: %(expected)s."),
        "date_parsing": _("Ngày không đúng định dạng ISO 8601 (YYYY-MM-DD)."),
        "date_from_datetime_parsing": _("Ngày không đúng định dạng ISO 8601 (YYYY-MM-DD)."),
        "datetime_parsing": _("Thời điểm không đúng định dạng ISO 8601."),
        "datetime_from_date_parsing": _("Thời điểm không đúng định dạng ISO 8601."),
    }


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, object]]:
    """pydantic errors -> `[{"field", "code", "message"}]` with the message in the active language."""
    messages = _messages()
    out: list[dict[str, object]] = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("query", "body", "path")]
        kind = str(err.get("type", "invalid"))
        values = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
        template = messages.get(kind)
        try:
            message = template % values if template else _("Giá trị không hợp lệ.")
        except (KeyError, TypeError, ValueError):
            message = _("Giá trị không hợp lệ.")
        out.append({"field": ".".join(loc), "code": kind, "message": message})
    return out

"""Notification texts from Django templates: `templates/notifications/<key>.txt`, first line the
subject, the rest the body. A language other than Vietnamese uses `<key>.<lang>.txt` when it exists.

Date-times in the context are shown as `HH:mm dd/MM/yyyy` in Asia/Ho_Chi_Minh (GEN-06); dates as
`dd/MM/yyyy`. Templates render without HTML escaping (they are plain text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError, ValidationFailed

DISPLAY_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# key -> placeholders the caller must give (templates may use more, optional ones).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "dossier_submitted": ("dossier_code", "procedure_name", "tracking_url"),
    "dossier_received": ("dossier_code", "procedure_name", "appointment_at", "tracking_url"),
    "dossier_not_accepted": ("dossier_code", "procedure_name", "reason", "tracking_url"),
    "dossier_stopped": ("dossier_code", "procedure_name", "reason", "tracking_url"),
    "supplement_requested": ("dossier_code", "procedure_name", "reason", "tracking_url"),
    "apology": ("dossier_code", "procedure_name", "new_due_at", "tracking_url"),
    "result_ready": ("dossier_code", "procedure_name", "tracking_url"),
    "deadline_due_soon": ("dossier_code", "procedure_name", "due_at", "tracking_url"),
    "deadline_overdue": ("dossier_code", "procedure_name", "due_at", "tracking_url"),
}


def format_datetime(value: dt.datetime) -> str:
    """`HH:mm dd/MM/yyyy` in Asia/Ho_Chi_Minh (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(DISPLAY_ZONE).strftime("%H:%M %d/%m/%Y")


def _display(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def render_notification(key: str, context: dict[str, Any], language: str = "vi") -> tuple[str, str]:
    """(subject, body) of notification `key` for `context`."""
    if key not in TEMPLATES:
        raise ValidationFailed(_("Không có mẫu thông báo “%(key)s”.") % {"key": key}, code="unknown_template")
    missing = [name for name in TEMPLATES[key] if context.get(name) in (None, "")]
    if missing:
        raise ValidationFailed(
            _("Thiếu dữ liệu cho mẫu thông báo “%(key)s”.") % {"key": key},
            fields=[FieldError(name, "required", _("Bắt buộc.")) for name in missing],
        )
    names = [f"notifications/{key}.{language}.txt"] if language != "vi" else []
    template = None
    for name in [*names, f"notifications/{key}.txt"]:
        try:
            template = get_template(name)
            break
        except TemplateDoesNotExist:
            continue
    assert template is not None
    values = {name: _display(value) for name, value in context.items()}
    with translation.override(language):
        text = template.template.render(Context(values, autoescape=False))  # type: ignore[attr-defined]
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"

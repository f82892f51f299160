"""Value readers for imported cells: tolerant of what JSON, CSV and Excel give, strict on meaning.

Each reader takes a raw value and returns the parsed value or raises `BadValue` with a Vietnamese
message; the mapper turns that into a row/field error.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, FeeKind, Level, ServiceMode, TimeLimitUnit
from motcua.core.text import fold, nfc

_GROUPED_INT = re.compile(r"^\d{1,3}([.,]\d{3})+$")
CHANNEL_BY_KENH = {1: Channel.COUNTER, 2: Channel.ONLINE, 3: Channel.POSTAL}
_LEVELS = {
    "tinh": Level.PROVINCE,
    "xa": Level.COMMUNE,
    "phuong": Level.COMMUNE,
    "xa, phuong": Level.COMMUNE,
    "huyen": Level.DISTRICT,
    "bo": Level.CENTRAL,
    "trung uong": Level.CENTRAL,
    "bo, nganh": Level.CENTRAL,
}
_UNITS = {
    "ngay lam viec": TimeLimitUnit.WORKING_DAYS,
    "working_days": TimeLimitUnit.WORKING_DAYS,
    "ngay": TimeLimitUnit.DAYS,
    "days": TimeLimitUnit.DAYS,
    "gio lam viec": TimeLimitUnit.WORKING_HOURS,
    "gio": TimeLimitUnit.WORKING_HOURS,
    "working_hours": TimeLimitUnit.WORKING_HOURS,
}
_TRUE = {"true", "1", "co", "x", "yes"}
_FALSE = {"false", "0", "khong", "", "no"}


class BadValue(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A text cell; numbers become their plain form, lists of strings become lines."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise BadValue(_("cần một chuỗi ký tự, nhận được giá trị đúng/sai"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str | int | float | Decimal):
        return nfc(str(value))
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(nfc(item) for item in value if item.strip())
    raise BadValue(_("cần một chuỗi ký tự"))


def count(value: Any) -> int:
    """A non-negative whole number of copies; blank means 0."""
    if is_blank(value):
        return 0
    number = decimal(value)
    if number != number.to_integral_value() or number < 0 or number > 1000:
        raise BadValue(_("cần một số nguyên từ 0 đến 1000, nhận được “%(value)s”") % {"value": value})
    return int(number)


def decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise BadValue(_("cần một số"))
    raw = str(value).strip().replace(",", ".") if isinstance(value, str) else str(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise BadValue(_("“%(value)s” không phải là số") % {"value": value}) from None
    if not number.is_finite():
        raise BadValue(_("“%(value)s” không phải là số") % {"value": value})
    return number


def time_limit(value: Any) -> Decimal:
    """Statutory time limit: >= 0, in steps of half a unit (nửa ngày)."""
    number = decimal(value)
    if number < 0:
        raise BadValue(_("thời hạn không được âm (%(value)s)") % {"value": value})
    if (number * 2) != (number * 2).to_integral_value():
        raise BadValue(_("thời hạn phải là bội số của 0,5 (nhận được %(value)s)") % {"value": value})
    if number > 99999:
        raise BadValue(_("thời hạn quá lớn (%(value)s)") % {"value": value})
    return number.quantize(Decimal("0.1"))


def amount_vnd(value: Any) -> int:
    """Whole đồng; accepts 50000, "50000", "50.000" or "50,000"."""
    if is_blank(value):
        return 0
    if isinstance(value, str) and _GROUPED_INT.match(value.strip()):
        value = re.sub(r"[.,]", "", value.strip())
    number = decimal(value)
    if number != number.to_integral_value():
        raise BadValue(_("số tiền phải là số nguyên đồng, nhận được “%(value)s”") % {"value": value})
    if number < 0:
        raise BadValue(_("số tiền không được âm"))
    return int(number)


def channel(value: Any) -> str:
    try:
        return CHANNEL_BY_KENH[int(decimal(value))]
    except (KeyError, BadValue):
        raise BadValue(
            _("kênh “%(value)s” không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)") % {"value": value}
        ) from None


def level(value: Any) -> str:
    key = fold(text(value))
    if key in Level.values:
        return key
    found = _LEVELS.get(key.removeprefix("cap ").strip())
    if found is None:
        raise BadValue(_("cấp thực hiện “%(value)s” không được hỗ trợ") % {"value": value})
    return found


def time_unit(value: Any) -> str:
    key = fold(text(value))
    if not key:
        return TimeLimitUnit.WORKING_DAYS
    if key in _UNITS:
        return _UNITS[key]
    for prefix, unit in (("ngay lam viec", TimeLimitUnit.WORKING_DAYS), ("gio", TimeLimitUnit.WORKING_HOURS)):
        if key.startswith(prefix):
            return unit
    raise BadValue(_("đơn vị thời gian “%(value)s” không được hỗ trợ") % {"value": value})


def fee_kind(value: Any) -> str:
    key = fold(text(value))
    if key in {"le phi", "charge", ""}:
        return FeeKind.CHARGE
    if key in {"phi", "fee"}:
        return FeeKind.FEE
    raise BadValue(_("loại “%(value)s” không hợp lệ (Phí hoặc Lệ phí)") % {"value": value})


def service_mode(value: Any) -> str:
    key = text(value).strip()
    if key not in ServiceMode.values:
        raise BadValue(_("mức độ “%(value)s” không hợp lệ (online_full, online_partial, offline)") % {"value": value})
    return key


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(_("cần giá trị true/false, nhận được “%(value)s”") % {"value": value})


def date(value: Any, day_first: bool = True) -> dt.date | None:
    """dd/mm/yyyy (national data) or yyyy-mm-dd; Excel dates as they come."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d") if day_first else ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise BadValue(_("ngày “%(value)s” không đúng định dạng dd/mm/yyyy hoặc yyyy-mm-dd") % {"value": value})

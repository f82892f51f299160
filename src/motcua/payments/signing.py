"""Check values of the two payment protocols (formats.md §6; INT-PAY-02).

Pure functions with no Django import, so the fake gateway (a separate small process) signs and
verifies with exactly the same code as the adapters.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote_plus

VNPAY_HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})


def vnpay_signed_fields(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters the hash covers: every `vnp_*` one except the hash fields."""
    return {key: str(value) for key, value in params.items() if key.startswith("vnp_") and key not in VNPAY_HASH_FIELDS}


def vnpay_canonical(params: Mapping[str, str]) -> str:
    """Sorted by name, each `name=value` URL-encoded (form encoding, space as '+'), joined by '&'."""
    fields = vnpay_signed_fields(params)
    return "&".join(f"{quote_plus(key)}={quote_plus(fields[key])}" for key in sorted(fields))


def vnpay_hash(params: Mapping[str, str], secret: str) -> str:
    """HMAC-SHA512 of the canonical query with the merchant secret, lowercase hex."""
    return hmac.new(secret.encode(), vnpay_canonical(params).encode(), hashlib.sha512).hexdigest()


def vnpay_sign(params: Mapping[str, str], secret: str) -> dict[str, str]:
    """The parameters with `vnp_SecureHash` added (2.1.0 sends no `vnp_SecureHashType`)."""
    signed = vnpay_signed_fields(params)
    signed["vnp_SecureHash"] = vnpay_hash(signed, secret)
    return signed


def vnpay_query(params: Mapping[str, str]) -> str:
    """A signed parameter set as a query string (canonical order, then the hash)."""
    fields = vnpay_signed_fields(params)
    query = vnpay_canonical(fields)
    return f"{query}&vnp_SecureHash={quote_plus(str(params.get('vnp_SecureHash', '')))}"


def vnpay_verify(params: Mapping[str, str], secret: str) -> bool:
    """True when `vnp_SecureHash` matches; compared in constant time (INT-PAY-03)."""
    received = str(params.get("vnp_SecureHash", "") or "")
    if not received or not secret:
        return False
    expected = vnpay_hash(params, secret)
    return hmac.compare_digest(expected.lower().encode(), received.lower().encode())


# --- PayGov-type INIT / QUERY --------------------------------------------------------------------
PAYGOV_INIT_FIELDS = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
PAYGOV_QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")


def paygov_fields(message_type: str) -> tuple[str, ...]:
    return PAYGOV_INIT_FIELDS if message_type == "INIT" else PAYGOV_QUERY_FIELDS


def paygov_check_value(message: Mapping[str, object], secret: str, fields: Iterable[str] | None = None) -> str:
    """`MaXacThuc`: hex SHA-256 of the '|'-joined field values followed by the partner secret."""
    names = tuple(fields) if fields is not None else paygov_fields(str(message.get("LoaiBanTin", "")))
    values = ["" if message.get(name) is None else str(message.get(name)) for name in names]
    return hashlib.sha256("|".join([*values, secret]).encode()).hexdigest()


def paygov_verify(message: Mapping[str, object], secret: str) -> bool:
    received = str(message.get("MaXacThuc", "") or "")
    if not received or not secret:
        return False
    expected = paygov_check_value(message, secret)
    return hmac.compare_digest(expected.encode(), received.lower().encode())

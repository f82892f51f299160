"""Process documents for the internal-process tests: a realistic 10-working-day provincial process."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from tests.catalog.factories import published


def step(key: str, name: str, role: str, allotment: float, **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": name, "role": role, "allotment": allotment, "substate": "appraising"} | extra


def move(action: str, a: str, b: str, roles: list[str], requires: list[str] | None = None) -> dict[str, Any]:
    return {
        "action": action,
        "name": f"Thao tác {action}",
        "from": a,
        "to": b,
        "roles": roles,
        "requires": requires or [],
    }


def province_doc(procedure_code: str, **changes: Any) -> dict[str, Any]:
    """0.5 + 6 + 1 + 1.5 + 4 h + 0.5 = exactly 10 working days, with send_back loops."""
    doc = {
        "procedure": procedure_code,
        "agency": None,
        "name": "Quy trình cấp giấy chứng nhận",
        "valid_from": "2025-01-01",
        "steps": [
            step("tiep_nhan", "Tiếp nhận hồ sơ", "intake_officer", 0.5, substate="assigned", start=True),
            step("tham_dinh", "Thẩm định hồ sơ", "handler", 6),
            step("ldp_duyet", "Lãnh đạo phòng duyệt", "department_leader", 1),
            step("ld_ky", "Lãnh đạo cơ quan ký", "agency_leader", 1.5, substate="awaiting_signature"),
            step("van_thu", "Văn thư phát hành", "clerk", 4, unit="working_hours"),
            step("tra_ket_qua", "Trả kết quả", "intake_officer", 0.5, substate="assigned", final=True),
        ],
        "transitions": [
            move("forward", "tiep_nhan", "tham_dinh", ["intake_officer"]),
            move("propose", "tham_dinh", "ldp_duyet", ["handler"], ["comment"]),
            move("approve", "ldp_duyet", "ld_ky", ["department_leader"]),
            move("send_back", "ldp_duyet", "tham_dinh", ["department_leader"], ["comment"]),
            move("sign", "ld_ky", "van_thu", ["agency_leader"]),
            move("send_back", "ld_ky", "ldp_duyet", ["agency_leader"], ["comment"]),
            move("issue", "van_thu", "tra_ket_qua", []),
        ],
    }
    doc.update(copy.deepcopy(changes))
    return doc


def ten_day_version(**kwargs: Any):
    """A published procedure version with a 10-working-day statutory limit."""
    return published(time_limit_days=Decimal("10"), **kwargs)

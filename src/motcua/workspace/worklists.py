"""The worklist tabs: which dossier filters each tab means, and the filters an official may add."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.queries import DossierFilters
from motcua.dossiers.states import DossierState
from motcua.workspace.common import DUE_SOON_DAYS

COUNT_CAP = 1000  # tab counters stop here ("999+"): bounded work on a large table


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any

    def filters(self, user: Any, base: DossierFilters, now: datetime) -> DossierFilters:
        if self.key == "mine":
            return replace(base, assignee=user.get_username(), status=DossierState.IN_PROCESS.value)
        if self.key == "new":
            return replace(base, status=DossierState.SUBMITTED.value)
        if self.key == "due_soon":
            return replace(base, due_before=now + timedelta(days=DUE_SOON_DAYS), overdue=False)
        if self.key == "overdue":
            return replace(base, overdue=True)
        if self.key == "supplement":
            return replace(base, status=DossierState.SUPPLEMENT_REQUESTED.value)
        if self.key == "to_return":
            return replace(base, status=DossierState.RESOLVED.value)
        return base  # "all": by the status chosen in the filters


TABS = (
    Tab("mine", _("Việc của tôi")),
    Tab("new", _("Chờ tiếp nhận")),
    Tab("due_soon", _("Sắp đến hạn")),
    Tab("overdue", _("Quá hạn")),
    Tab("supplement", _("Chờ bổ sung")),
    Tab("to_return", _("Chờ trả kết quả")),
    Tab("all", _("Theo trạng thái")),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}


def _day_start(text: str) -> datetime | None:
    day = parse_date(text or "")
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_filters(params: Any) -> tuple[DossierFilters, dict[str, str], dict[str, str]]:
    """Filters from the query string, the values as typed (to show back) and Vietnamese errors."""
    typed = {name: (params.get(name) or "").strip() for name in ("procedure", "agency", "status", "from", "to")}
    errors: dict[str, str] = {}
    received_from = _day_start(typed["from"])
    if typed["from"] and received_from is None:
        errors["from"] = str(_("Ngày không hợp lệ (dạng năm-tháng-ngày)."))
    to_day = _day_start(typed["to"])
    if typed["to"] and to_day is None:
        errors["to"] = str(_("Ngày không hợp lệ (dạng năm-tháng-ngày)."))
    if received_from and to_day and to_day < received_from:
        errors["to"] = str(_("“Đến ngày” phải sau “từ ngày”."))
    status = typed["status"]
    if status and status not in DossierState.__members__.values():
        errors["status"] = str(_("Trạng thái không hợp lệ."))
        status = ""
    filters = DossierFilters(
        status=status or None,
        agency=typed["agency"] or None,
        procedure=typed["procedure"] or None,
        received_from=None if errors.get("from") else received_from,
        received_before=None if errors.get("to") or to_day is None else to_day + timedelta(days=1),
    )
    return filters, typed, errors

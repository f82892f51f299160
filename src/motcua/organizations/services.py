"""The organizations app's public services; other apps import from here.

The work is done in `admin_units` (ORG-02, ORG-03), `agencies` (ORG-01, ORG-05 to ORG-07, roles)
and `loading` (JSON import of agencies and officials).
"""

from __future__ import annotations

from motcua.organizations.admin_units import (
    AdminUnitLoadResult,
    HistoricalUnit,
    admin_unit_as_of,
    current_unit,
    load_admin_units,
    record_historical_units,
)
from motcua.organizations.agencies import (
    agency_depth,
    assign_role,
    change_agency_code,
    has_role,
    resolve_agency,
    roles_of,
    save_agency,
    validate_agency,
)
from motcua.organizations.loading import AgencyLoadResult, load_agencies

__all__ = [
    "AdminUnitLoadResult",
    "AgencyLoadResult",
    "HistoricalUnit",
    "admin_unit_as_of",
    "agency_depth",
    "assign_role",
    "change_agency_code",
    "current_unit",
    "has_role",
    "load_admin_units",
    "load_agencies",
    "record_historical_units",
    "resolve_agency",
    "roles_of",
    "save_agency",
    "validate_agency",
]

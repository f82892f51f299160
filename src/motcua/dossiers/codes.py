"""Dossier codes `<receiving unit id>-YYMMDD-NNNN` (OS-CODE-01..05, formats.md §3).

The sequence comes from the unit's counter row for the local intake date, locked with
SELECT ... FOR UPDATE inside the caller's transaction (ENGINEERING.md habit 4): the number is
committed together with the dossier, so a failed intake gives its number back (no gap) and two
intakes never get the same one (no duplicate). Past 10**width - 1 the number widens, never wraps.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from motcua.calendar.services import time_zone
from motcua.dossiers.models import DossierCodeCounter

DEFAULT_WIDTH = 4
# formats.md §3, tolerant width for inbound codes; our own codes always match it up to 7 digits.
CODE_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4,7})$")
_CREATE_ATTEMPTS = 3


def configured_width() -> int:
    width = int(settings.MOTCUA.get("DOSSIER_CODE_WIDTH", DEFAULT_WIDTH))
    return width if width >= 1 else DEFAULT_WIDTH


def format_code(unit_code: str, day: date, sequence: int, width: int = DEFAULT_WIDTH) -> str:
    """`000.00.01.H56-250714-0001`; the number is zero-padded to `width` and longer when it must be."""
    if sequence < 1:
        raise ValueError("dossier sequence numbers start at 1")
    return f"{unit_code}-{day:%y%m%d}-{sequence:0{width}d}"


def intake_day(received_at: datetime) -> date:
    """The local (Asia/Ho_Chi_Minh) date of intake, which the code carries (OS-CODE-01, GEN-06)."""
    if received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    return received_at.astimezone(time_zone()).date()


def _locked_counter(unit_id: int, day: date) -> DossierCodeCounter:
    """The counter row, locked; created first when this is the unit's first dossier of the day.

    Two first-of-day intakes may both find no row: each inserts inside a savepoint, the loser gets
    an IntegrityError (after the winner commits, on PostgreSQL) and then locks the winner's row.
    """
    rows = DossierCodeCounter.objects.select_for_update()
    for _attempt in range(_CREATE_ATTEMPTS):
        found: DossierCodeCounter | None = rows.filter(receiving_unit_id=unit_id, day=day).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                DossierCodeCounter.objects.create(receiving_unit_id=unit_id, day=day, last_value=0)
        except IntegrityError:
            continue
    locked: DossierCodeCounter = rows.get(receiving_unit_id=unit_id, day=day)
    return locked


def allocate_code(receiving_unit: Any, received_at: datetime, width: int | None = None) -> str:
    """Next code of `receiving_unit` (an Agency) for the local date of `received_at`.

    Call inside the intake transaction so the counter stays locked until the dossier is committed.
    """
    day = intake_day(received_at)
    # No savepoint of its own: inside the intake transaction a failure undoes the whole intake anyway.
    with transaction.atomic(savepoint=False):
        counter = _locked_counter(receiving_unit.pk, day)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
    return format_code(receiving_unit.code, day, counter.last_value, width or configured_width())


def parse_code(code: str) -> tuple[str, date, int] | None:
    """(unit code, date, sequence) of a code in the national format, else None (kept opaque)."""
    match = CODE_RE.match(code)
    if match is None:
        return None
    unit, yymmdd, number = match.groups()
    try:  # two-digit years are this century's (strptime would put 69-99 in the 1900s)
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None
    return unit, day, int(number)

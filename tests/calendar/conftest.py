from __future__ import annotations

from datetime import datetime

import pytest

from motcua.calendar import services
from motcua.calendar.engine import WorkCalendar

TZ = services.time_zone()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in Vietnam time."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(scope="session")
def national() -> WorkCalendar:
    """The province-default calendar from the holidays package alone (no database)."""
    return services.build_calendar(None, [])


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The in-process cache is module state; start every test from a cold cache."""
    services.clear_cache()
    yield
    services.clear_cache()

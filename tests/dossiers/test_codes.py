"""Dossier codes (OS-CODE-01..05): format, widening, daily restart per unit, race safety."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.codes import CODE_RE, allocate_code, format_code, intake_day, parse_code
from motcua.dossiers.models import DossierCodeCounter
from tests.organizations.factories import agency

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


def test_os_code_01_example_from_the_circular():
    assert format_code("000.00.01.H56", date(2025, 7, 14), 1) == "000.00.01.H56-250714-0001"


@given(
    sequence=st.integers(min_value=1, max_value=10**9),
    width=st.integers(min_value=1, max_value=7),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_os_code_05_number_is_padded_to_the_width_and_widens_never_wraps(sequence, width, day):
    code = format_code("000.00.01.H56", day, sequence, width)
    number = code.rsplit("-", 1)[1]
    assert int(number) == sequence  # never wraps
    assert len(number) == max(width, len(str(sequence)))
    assert code.startswith(f"000.00.01.H56-{day:%y%m%d}-")
    if width >= 4 and len(number) <= 7:
        assert CODE_RE.match(code)
        assert parse_code(code) == ("000.00.01.H56", day, sequence)


def test_os_code_05_past_9999_widens():
    assert format_code("000.00.01.H56", date(2025, 7, 14), 10_000).endswith("-10000")
    with pytest.raises(ValueError):
        format_code("000.00.01.H56", date(2025, 7, 14), 0)


def test_os_code_01_intake_date_is_the_local_date():
    # 23:30 in Hà Nội is 16:30 UTC the same day; 00:30 local on the 15th is still the 14th in UTC.
    assert intake_day(datetime(2025, 7, 14, 16, 30, tzinfo=UTC)) == date(2025, 7, 14)
    assert intake_day(datetime(2025, 7, 14, 17, 30, tzinfo=UTC)) == date(2025, 7, 15)
    with pytest.raises(ValueError):
        intake_day(datetime(2025, 7, 14, 9))


@pytest.mark.django_db
def test_os_code_04_sequence_restarts_daily_per_unit():
    unit, other = agency(code="000.00.01.H56"), agency(code="000.00.02.H56", name="Phường khác")
    monday, tuesday = datetime(2025, 7, 14, 9, tzinfo=HCM), datetime(2025, 7, 15, 9, tzinfo=HCM)
    with transaction.atomic():
        first = [allocate_code(unit, monday) for _ in range(3)]
        assert first == [f"000.00.01.H56-250714-000{i}" for i in (1, 2, 3)]
        assert allocate_code(other, monday) == "000.00.02.H56-250714-0001"
        assert allocate_code(unit, tuesday) == "000.00.01.H56-250715-0001"


@pytest.mark.django_db
def test_os_code_04_a_rolled_back_intake_gives_its_number_back():
    unit = agency(code="000.00.01.H56")
    monday = datetime(2025, 7, 14, 9, tzinfo=HCM)
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_code(unit, monday)
        raise RuntimeError("intake failed after allocation")
    assert allocate_code(unit, monday).endswith("-0001")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_os_code_04_concurrent_allocation_has_no_duplicate_and_no_gap():
    """8 threads x 25 intakes racing, starting with the first-of-day counter row missing."""
    unit = agency(code="000.00.01.H56")
    monday = datetime(2025, 7, 14, 9, tzinfo=HCM)
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    code = allocate_code(unit, monday)
                with lock:
                    codes.append(code)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, threads * per_thread + 1))
    assert DossierCodeCounter.objects.get(receiving_unit=unit).last_value == threads * per_thread

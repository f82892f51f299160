"""Periodic report over hand-computed scenarios (RPT-PER-02, RPT-PER-03, RPT-PER-06)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import F

from motcua.reports.facts import rebuild_all
from motcua.reports.models import FlowByAgency, ReportFact
from motcua.reports.periodic import Period, ReportInconsistent, cell_dossiers, check_identities, periodic_report
from tests.dossiers.test_province_scenario import _build_the_period, department  # noqa: F401 - fixture
from tests.reports.oracle import recount

pytestmark = pytest.mark.django_db

WHOLE = Period(date(2025, 6, 1), date(2025, 7, 25))
JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))
JULY = Period(date(2025, 7, 1), date(2025, 7, 25))


def _figures(report, *keys):
    return tuple(report.total.figures[k] for k in keys)


def test_rpt_per_02_province_example_289_275_11_3(department):  # noqa: F811
    """The province example: 289 received, 275 resolved on time (220 early + 55 on the due day),
    11 in progress within the deadline, 3 withdrawn; nothing carried over, all at the counter."""
    _build_the_period(department)
    report = periodic_report(WHOLE, group_by="agency")
    assert len(report.rows) == 1 and report.rows[0].code == "000.00.03.H56"
    total = report.total.figures
    assert (total["received"], total["carried_over"], total["new"], total["new_counter"]) == (289, 0, 289, 289)
    assert (total["resolved"], total["early"], total["on_time"], total["late"]) == (275, 220, 55, 0)
    assert (total["in_progress"], total["not_due"], total["overdue"]) == (11, 11, 0)
    assert (total["withdrawn_or_stopped"], total["withdrawn"], total["stopped"]) == (3, 3, 0)
    assert report.rows[0].on_time_rate == 100.0
    assert recount(WHOLE)["__total__"] == total
    by_procedure = periodic_report(WHOLE, group_by="procedure")
    assert by_procedure.total.figures == total and by_procedure.rows[0].code == department.code
    # Drill-down: the 3 withdrawn dossiers, by code.
    count, rows = cell_dossiers(WHOLE, "withdrawn", group_by="agency", key=report.rows[0].key)
    assert count == 3 and all(row["code"].startswith("000.00.03.H56-") for row in rows)


def test_rpt_per_03_carried_over_across_periods(department):  # noqa: F811
    """B(July) = E(June); each period satisfies the identities; the new dossiers add up."""
    _build_the_period(department)
    june, july = periodic_report(JUNE), periodic_report(JULY)
    assert june.total.figures["carried_over"] == 0
    assert july.total.figures["carried_over"] == june.total.figures["in_progress"] > 0
    assert june.total.figures["new"] + july.total.figures["new"] == 289
    resolved = june.total.figures["resolved"] + july.total.figures["resolved"]
    assert resolved == 275
    for period, report in ((JUNE, june), (JULY, july)):
        assert recount(period)["__total__"] == report.total.figures
    carried = cell_dossiers(JULY, "carried_over")[1]
    still = cell_dossiers(JUNE, "in_progress")[1]
    assert [r["code"] for r in carried] == [r["code"] for r in still]


def test_rpt_per_03_identities_fail_loudly():
    figures = dict.fromkeys(
        ["received", "carried_over", "new", "new_online", "new_counter", "new_postal", "resolved", "early"], 0
    )
    figures.update(dict.fromkeys(["on_time", "late", "late_with_apology", "in_progress", "not_due", "overdue"], 0))
    figures.update(dict.fromkeys(["supplement_waiting", "withdrawn_or_stopped", "withdrawn", "stopped"], 0))
    figures.update(received=1, new=1, new_online=1, resolved=1, early=1, refusal_results=0)
    check_identities(figures, "ok")
    figures["early"] = 0
    with pytest.raises(ReportInconsistent, match="D = D1"):
        check_identities(figures, "broken")


def test_rpt_per_06_damaged_facts_or_flows_are_caught_and_rebuilt_from_events(department):  # noqa: F811
    _build_the_period(department)
    fact = ReportFact.objects.filter(verdict="early").first()
    ReportFact.objects.filter(pk=fact.pk).update(verdict="")  # resolved but no verdict: D != D1+D2+D3
    with pytest.raises(ReportInconsistent, match="D = D1"):
        periodic_report(WHOLE, source="facts")
    flow = FlowByAgency.objects.filter(grain="m", resolved__gt=0).first()
    FlowByAgency.objects.filter(pk=flow.pk).update(resolved=F("resolved") + 1)
    with pytest.raises(ReportInconsistent):
        periodic_report(WHOLE, source="flows")
    rebuild_all()
    for source in ("facts", "flows"):
        assert periodic_report(WHOLE, source=source).total.figures["early"] == 220


def test_rpt_per_06_rebuild_command_restores_facts_from_events(world):
    from io import StringIO

    from django.core.management import call_command

    from tests.dossiers.builders import counter_dossier

    counter_dossier(world)
    ReportFact.objects.all().delete()
    FlowByAgency.objects.all().delete()
    out = StringIO()
    call_command("rebuild_report_facts", stdout=out)
    assert "1 dossiers" in out.getvalue()
    assert periodic_report(Period(date(2025, 7, 1), date(2025, 7, 31))).total.figures["new_counter"] == 1


def test_rpt_per_06_flow_segments_cover_every_day_once():
    """Any range of days is covered by day, month and year rows exactly once (property over 2,000
    random ranges, expanded day by day)."""
    import random
    from datetime import timedelta

    from motcua.reports.periodic import _next_month, segments

    def expand(parts):
        found = []
        for grain, first, end in parts:
            assert (grain != "m" or first.day == 1) and (grain != "y" or (first.month, first.day) == (1, 1))
            step = {"d": lambda d: d + timedelta(days=1), "m": _next_month, "y": lambda d: d.replace(year=d.year + 1)}
            day = first
            while day < end:
                following = step[grain](day)
                found += [day + timedelta(days=k) for k in range((following - day).days)]
                day = following
            assert day == end
        return found

    rng = random.Random(7)
    for _ in range(2000):
        lo = date(2023, 1, 1) + timedelta(days=rng.randrange(1500))
        hi = lo + timedelta(days=rng.randrange(900))
        assert expand(segments(lo, hi)) == [lo + timedelta(days=k) for k in range((hi - lo).days)]
    assert segments(date(2025, 1, 1), date(2026, 1, 1)) == [("y", date(2025, 1, 1), date(2026, 1, 1))]


def test_rpt_per_06_a_period_over_whole_years_equals_the_recount(department):  # noqa: F811
    """Year rows: a period from mid-December 2024 to February 2026 takes 2025 from one row per key."""
    _build_the_period(department)
    period = Period(date(2024, 12, 15), date(2026, 2, 10))
    report = periodic_report(period)
    assert report.total.figures["new"] == 289
    assert recount(period)["__total__"] == report.total.figures == periodic_report(period, source="facts").total.figures


def test_rpt_per_02_in_progress_now_from_flows_equals_the_facts(department):  # noqa: F811
    """The dashboard's "in progress now" (flow rows before today + today's facts) equals the plain
    count of facts accepted before the moment and not finished before it, at midnight and mid-day."""
    from datetime import datetime, timedelta

    from django.db.models import Count, Q

    from motcua.calendar.services import time_zone
    from motcua.reports.dashboard import running_by_agency

    _build_the_period(department)
    for day in (date(2025, 6, 1), date(2025, 6, 17), date(2025, 7, 3), date(2025, 7, 25), date(2025, 9, 1)):
        for hours in (0, 9.5, 14, 23.99):
            moment = datetime.combine(day, datetime.min.time(), tzinfo=time_zone()) + timedelta(hours=hours)
            open_ = Q(accepted_at__lt=moment) & (Q(finished_at__isnull=True) | Q(finished_at__gte=moment))
            plain = dict(
                ReportFact.objects.filter(open_)
                .values("agency_id")
                .annotate(n=Count("pk"))
                .values_list("agency_id", "n")
            )
            assert running_by_agency(None, moment) == plain, moment

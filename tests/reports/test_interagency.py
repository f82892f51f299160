"""Inter-agency dossiers (liên thông) in the periodic report: counted once at the competent agency
and once for each part another agency handled (RPT-PER-02, OS-PROC-04/05)."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dossiers.services import perform_action
from motcua.reports.periodic import Period, cell_dossiers, periodic_report
from tests.dossiers.builders import OTHER_CODE, UNIT_CODE, at, counter_dossier, to_processing
from tests.reports.oracle import recount

pytestmark = pytest.mark.django_db
JULY = Period(date(2025, 7, 1), date(2025, 7, 31))


def _by_code(report):
    return {row.code: row.figures for row in report.rows}


def test_rpt_per_02_interagency_dossier_counts_once_per_agency_part(world):
    # Dossier 1: handed to the other agency for 2 working days, back the next day, resolved.
    one = to_processing(world, counter_dossier(world))
    perform_action(one, "transfer", world.leader, {"recipient": OTHER_CODE, "allotment": "2"}, now=at(15, 9))
    perform_action(one, "transfer", world.outsider, {"recipient": UNIT_CODE}, now=at(16, 10))
    perform_action(one, "resolve", world.leader, {"result_kind": "approval"}, now=at(16, 11))
    # Dossier 2: handed over for half a day and still there at the end of July: the part is overdue.
    two = to_processing(world, counter_dossier(world, now=at(21)), now=at(21))
    perform_action(two, "transfer", world.leader, {"recipient": OTHER_CODE, "allotment": "0.5"}, now=at(22, 9))

    report = periodic_report(JULY, group_by="agency")
    rows = _by_code(report)
    unit, other = rows[UNIT_CODE], rows[OTHER_CODE]
    assert (unit["received"], unit["resolved"], unit["early"], unit["in_progress"]) == (2, 1, 1, 1)
    assert unit["overdue"] == 1  # three working days from 21 July are long past on 1 August
    assert (other["received"], other["new_counter"], other["resolved"], other["early"]) == (2, 2, 1, 1)
    assert (other["in_progress"], other["overdue"], other["not_due"]) == (1, 1, 0)
    assert report.total.figures["received"] == 4 and report.include_parts
    # By procedure each dossier counts once.
    assert periodic_report(JULY, group_by="procedure").total.figures["received"] == 2
    expected = recount(JULY)
    assert all(row.figures == expected[row.key] for row in report.rows)
    # Drill-down of the other agency's overdue cell: dossier two's part.
    other_key = next(row.key for row in report.rows if row.code == OTHER_CODE)
    count, found = cell_dossiers(JULY, "overdue", key=other_key)
    assert count == 1 and found[0]["code"] == two.code and found[0]["part_seq"] > 0


def test_rpt_per_02_scope_limits_rows_to_the_agencies_given(world):
    one = to_processing(world, counter_dossier(world))
    perform_action(one, "transfer", world.leader, {"recipient": OTHER_CODE, "allotment": "2"}, now=at(15, 9))
    report = periodic_report(JULY, agency_ids=[world.other.pk])
    assert [row.code for row in report.rows] == [OTHER_CODE]
    assert cell_dossiers(JULY, "received", agency_ids=[world.other.pk])[0] == 1

"""English translations of the reports app (issue 7 §5): every message translated, the compiled
catalogue in step with the .po, and the strings used when English is active."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

import motcua.reports

LOCALE = Path(motcua.reports.__file__).parent / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every message in the .po (header left out)."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                parts[current].append(ast.literal_eval(rest))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
        if msgid:
            entries.append((msgid, msgstr))
    return entries


def test_every_reports_message_has_an_english_translation():
    entries = _entries()
    assert len(entries) > 150
    missing = [msgid for msgid, msgstr in entries if not msgstr.strip()]
    assert missing == []
    assert "fuzzy" not in PO.read_text(encoding="utf-8")


def test_compiled_catalogue_matches_the_po():
    catalogue = gettext.translation("django", localedir=LOCALE, languages=["en"])
    stale = [msgid for msgid, msgstr in _entries() if catalogue.gettext(msgid) != msgstr]
    assert stale == []


@pytest.mark.parametrize(
    ("vietnamese", "english"),
    [("Đã giải quyết", "Resolved"), ("Kỳ trước chuyển qua", "Carried over from the previous period")],
)
def test_rpt_per_column_labels_in_english(vietnamese, english):
    from motcua.reports.periodic import COLUMNS

    with translation.override("vi"):
        column = next(c for c in COLUMNS if str(c.label) == vietnamese)
    with translation.override("en"):
        assert str(column.label) == english
    with translation.override("vi"):
        assert str(column.label) == vietnamese


def test_rpt_t01_ratings_and_766_names_in_english():
    from motcua.reports.evaluation import agency_rating, officer_rating
    from motcua.reports.index766 import NOT_YET

    with translation.override("en"):
        assert (str(agency_rating(15)), str(agency_rating(5.9))) == ("Excellent", "Weak")
        assert str(officer_rating(5)) == "Completed 100% of tasks"
        assert str(NOT_YET[0][1]) == "Procedures published on time"

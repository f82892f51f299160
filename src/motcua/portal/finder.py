"""Procedure search for citizens: the catalogue's folded search (accents optional, GEN-06) plus
tolerance of small typos.

When the words as typed find nothing, each word that is not in the catalogue's vocabulary is
replaced by its closest vocabulary word (difflib ratio, same database-free code on SQLite and
PostgreSQL) and the search runs once more. The vocabulary (folded words of the names in force) is
rebuilt at most every few minutes per process: a few thousand words for 2,000 procedures.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass

from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.search import SearchPage, search_procedures
from motcua.catalog.versioning import in_force_filter
from motcua.core.text import fold

VOCABULARY_TTL = 300.0
CUTOFF = 0.7
_cache: dict[str, object] = {"expires": 0.0, "words": {}}


@dataclass
class Found:
    page: SearchPage
    corrected: str | None  # the query actually searched when typos were corrected


def _vocabulary() -> dict[int, list[str]]:
    """Folded words of the names in force, grouped by length."""
    now = time.monotonic()
    if float(_cache["expires"]) > now:  # type: ignore[arg-type]
        return _cache["words"]  # type: ignore[return-value]
    names = ProcedureVersion.objects.filter(in_force_filter(timezone.localdate())).values_list("name_folded", flat=True)
    words: set[str] = set()
    for name in names.iterator():
        words.update(word.strip(".,;:()\"'") for word in name.split())
    by_length: dict[int, list[str]] = {}
    for word in words:
        if word:
            by_length.setdefault(len(word), []).append(word)
    _cache.update(expires=now + VOCABULARY_TTL, words=by_length)
    return by_length


def forget_vocabulary() -> None:
    _cache.update(expires=0.0, words={})


def correct(query: str) -> str:
    """The folded query with each unknown word replaced by the closest known one (if close enough)."""
    vocabulary = _vocabulary()
    corrected = []
    for word in fold(query).split():
        same = vocabulary.get(len(word), [])
        if word.isdigit() or word in same:
            corrected.append(word)
            continue
        candidates = [w for n in range(len(word) - 2, len(word) + 3) for w in vocabulary.get(n, [])]
        best = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
        corrected.append(best[0] if best else word)
    return " ".join(corrected)


def find(
    q: str,
    *,
    sector: str | None = None,
    agency: str | None = None,
    level: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Found:
    page = search_procedures(q, sector=sector, agency=agency, level=level, limit=limit, offset=offset)
    if page.count or not q.strip():
        return Found(page, None)
    corrected = correct(q)
    if corrected == fold(q):
        return Found(page, None)
    return Found(
        search_procedures(corrected, sector=sector, agency=agency, level=level, limit=limit, offset=offset), corrected
    )

"""The demo history: dossiers in every state through the services, deterministic and loaded once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.demo.seed import seed_demo
from motcua.dossiers.demo_history import PDF, PNG, generate_history
from motcua.dossiers.files import Upload, check_upload
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.outcomes import count_outcomes
from motcua.dossiers.projection import current, rebuild_projection

pytestmark = pytest.mark.django_db

END = datetime(2026, 3, 20, 16, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a working Friday


@pytest.fixture
def province(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo(password="demo-password-for-tests", log=lambda _: None)


def test_generated_files_pass_the_content_checks():
    for filename, content in (("a.pdf", PDF), ("b.png", PNG)):
        checked, errors = check_upload(Upload(filename, content), 0)
        assert errors == [] and checked is not None
        assert 50 < checked.size < 1000


def test_demo_history_covers_every_state_and_runs_once(province):
    lines: list[str] = []
    counts = generate_history(count=60, end=END, log=lines.append)

    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == counts["dossiers"] == 60
    assert "skipped" not in counts, lines
    for state in ("returned", "withdrawn", "not_accepted", "supplement_requested", "in_process"):
        assert statuses[state] >= 1, (state, statuses)
        assert counts[state] == statuses[state]
    assert not DossierEvent.objects.filter(occurred_at__gt=END).exists()
    assert counts["early"] and counts["on_time"], counts

    # The event-derived verdicts agree with the projection columns.
    outcomes = count_outcomes(DossierEvent.objects.order_by("dossier_id", "seq"), cutoff=END)
    for verdict in ("early", "on_time", "late"):
        assert outcomes[verdict] == Dossier.objects.filter(timeliness=verdict).count()
    finished_or_open = outcomes["resolved"] + outcomes["in_progress"] + outcomes["withdrawn"] + outcomes["stopped"]
    assert outcomes["received"] == finished_or_open
    sample = Dossier.objects.order_by("?").first()
    assert rebuild_projection(sample) == current(sample)

    assert generate_history(count=60, end=END, log=lines.append) == {}
    assert Dossier.objects.count() == 60
    assert lines[-1].endswith("nothing generated.")

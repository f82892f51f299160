"""Indexes for the worklists' scope parts (`dossiers.queries._arms`), database-only.

- (competent agency, status, due time, id): one ordered range per agency and status, so "by status",
  "overdue", "due soon", "waiting for supplement" and "to return" stop after one page.
- Partial indexes on the receiving unit where it differs from the competent agency, in due and in
  received order, with and without status: they hold only dossiers received for another agency (a
  one-stop centre's), so they stay small where units receive their own dossiers.

Written as SQL (valid on PostgreSQL and SQLite) rather than `Meta.indexes`, so the model's state, and
`makemigrations --check`, do not change; drop them with this migration's reverse.
"""

from django.db import migrations

INDEXES = [
    ("dossier_agency_status_due", "competent_agency_id, status, due_at, id", ""),
    ("dossier_unit_only_due", "receiving_unit_id, due_at, id", "receiving_unit_id <> competent_agency_id"),
    (
        "dossier_unit_only_status_due",
        "receiving_unit_id, status, due_at, id",
        "receiving_unit_id <> competent_agency_id",
    ),
    ("dossier_unit_only_received", "receiving_unit_id, received_at, id", "receiving_unit_id <> competent_agency_id"),
]


def _create(name: str, columns: str, where: str) -> str:
    return f"CREATE INDEX {name} ON dossiers_dossier ({columns})" + (f" WHERE {where}" if where else "")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0006_signature_event")]

    operations = [
        migrations.RunSQL(_create(name, columns, where), reverse_sql=f"DROP INDEX {name}")
        for name, columns, where in INDEXES
    ]

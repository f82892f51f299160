"""The database cache table (rate-limit counters), so `migrate` alone prepares a database."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Idempotent: does nothing when the table exists or the cache is not a database cache.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

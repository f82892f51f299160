"""Year rows (grain "y") in both flow tables, summed from the month rows, so a report over whole
years reads one row per key and year (periodic.segments)."""

from collections import defaultdict

from django.db import migrations

COUNTS = ("new", "resolved", "early", "on_time", "late", "late_with_apology", "refusal", "withdrawn", "stopped")
KEYS = {
    "FlowByAgency": ("agency_id", "level", "channel", "is_part"),
    "FlowByProcedure": ("procedure_id", "sector_id", "channel"),
}


def add_year_rows(apps, schema_editor):
    for name, keys in KEYS.items():
        model = apps.get_model("reports", name)
        model.objects.filter(grain="y").delete()
        totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        for row in model.objects.filter(grain="m").values("day", *keys, *COUNTS).iterator(chunk_size=5000):
            total = totals[(row["day"].replace(month=1), *(row[k] for k in keys))]
            for count in COUNTS:
                total[count] += row[count]
        model.objects.bulk_create(
            (
                model(grain="y", day=key[0], **dict(zip(keys, key[1:], strict=True)), **counts)
                for key, counts in totals.items()
            ),
            batch_size=2000,
        )


def remove_year_rows(apps, schema_editor):
    for name in KEYS:
        apps.get_model("reports", name).objects.filter(grain="y").delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_fact_service_mode")]

    operations = [migrations.RunPython(add_year_rows, remove_year_rows)]

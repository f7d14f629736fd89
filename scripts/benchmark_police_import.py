"""Benchmark (not a test): import the whole police open-data file (84,504 events).

Two runs, each timed end to end (read the gzipped JSON, match, map, deduplicate, write with
history): first with only Burlöv and Eslöv in Trygghet (the demo), then with all 290 Swedish
municipalities (every municipal event becomes an incident), then the same file again (nothing
to add). Run against a PostgreSQL database of your own; it removes what it created:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_police_import.py
"""

import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402

from councils.models import Municipality  # noqa: E402
from situation_reports.models import Incident  # noqa: E402
from situation_reports.services import police  # noqa: E402
from situation_reports.services.categories import ensure_default_categories  # noqa: E402

MUNICIPALITIES = Path(settings.BASE_DIR).parent / "shared" / "data" / "municipalities"


def timed_import(path, municipalities):
    started = time.monotonic()
    summary = police.import_source(path, municipalities=municipalities)
    return time.monotonic() - started, summary


def main():
    path = police.shared_events_file()
    if path is None:
        sys.exit("The shared police events file is not here (../shared/data/polisen-events/).")
    ensure_default_categories()
    before = set(Municipality.objects.values_list("pk", flat=True))
    created = []
    with open(MUNICIPALITIES / "swedish_municipalities.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            municipality, new = Municipality.objects.get_or_create(
                code=row["municipality_code"],
                defaults={
                    "name": row["municipality_name"],
                    "slug": f"bench-{row['municipality_code']}",
                    "county": row["county_name"],
                },
            )
            if new:
                created.append(municipality)
    everyone = list(Municipality.objects.all())
    two = [m for m in everyone if m.name in ("Burlöv", "Eslöv")]
    existing_police = set(
        Incident.objects.filter(source=Incident.Source.POLICE_OPEN_DATA).values_list(
            "pk", flat=True
        )
    )
    if existing_police:
        sys.exit("Run this on a database without police events (it measures a first import).")
    try:
        for label, targets in [
            ("Burlöv and Eslöv", two),
            ("all 290 municipalities", everyone),
            ("all 290 again (nothing new)", everyone),
        ]:
            seconds, summary = timed_import(path, targets)
            print(
                f"{label:30} {seconds:6.1f} s   read {summary.read}, imported {summary.imported}, "
                f"already there {summary.already_there}, skipped {sum(summary.skipped.values())}"
            )
    finally:
        Incident.history.model.objects.filter(police_id__isnull=False).delete()
        Incident.objects.filter(source=Incident.Source.POLICE_OPEN_DATA).delete()
        Municipality.objects.filter(pk__in=[m.pk for m in created]).exclude(pk__in=before).delete()


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # A benchmark sets up and measures across municipalities: a deliberate unscoped run
    # (the pages it requests are scoped as in production).
    with scopes_disabled():
        main()

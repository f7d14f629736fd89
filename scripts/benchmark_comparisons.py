"""Benchmark (not a test): count the whole police open-data file (84,504 events, all 290
municipalities) per municipality, event type and year, twice (the second run gives the same
table), then compute the comparison (rates against county and country) of every municipality.

It loads the reference list and replaces the stored counts: run it against a PostgreSQL
database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_comparisons.py
"""

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

from situation_reports.models import PoliceEventCount, ReferenceMunicipality  # noqa: E402
from situation_reports.services import comparisons, police  # noqa: E402


def main():
    base = os.environ.get("TRYGGHET_SHARED_DATA")
    root = Path(base) if base else Path(settings.BASE_DIR).parent / "shared" / "data"
    events = police.shared_events_file()
    if events is None or not (root / "municipalities").is_dir():
        sys.exit("The shared data is not here (../shared/data/ or $TRYGGHET_SHARED_DATA).")
    started = time.monotonic()
    comparisons.load_reference(root / "municipalities", comparisons.DEFAULT_POPULATION_YEAR)
    print(f"reference list loaded: {time.monotonic() - started:.2f} s")

    for run in ("first", "second"):
        started = time.monotonic()
        records = police.load_events(events)
        read = time.monotonic() - started
        counts, summary = comparisons.aggregate_events(records)
        counted = time.monotonic() - started - read
        command_started = time.monotonic()
        comparisons.aggregate_police_events(events)  # reads and counts again, then writes
        command = time.monotonic() - command_started
        print(
            f"{run} aggregation of {summary.read} records -> {summary.counted} events in "
            f"{PoliceEventCount.objects.count()} rows: read {read:.2f} s, count {counted:.2f} s, "
            f"the whole aggregation (read, count, replace the table) {command:.2f} s"
        )

    codes = list(ReferenceMunicipality.objects.values_list("code", flat=True))
    started = time.monotonic()
    for code in codes:
        comparisons.compare(code, year=2025)
    elapsed = time.monotonic() - started
    print(
        f"comparison of {len(codes)} municipalities for 2025: {elapsed:.2f} s, "
        f"{1000 * elapsed / len(codes):.1f} ms each"
    )


if __name__ == "__main__":
    main()

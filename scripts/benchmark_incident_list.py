"""Benchmark (not a test): the incident list with 100,000 incidents in one municipality.

Creates a municipality "Benchmarkby" with 100,000 incidents (once; reused on later runs), then
requests the list page, unfiltered, filtered, sorted and on a late page, and prints the median
and 95th percentile time of each. Run against a PostgreSQL database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_incident_list.py [--rows 100000] [--requests 40] [--drop]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from councils.models import Area, Municipality, MunicipalityMembership, Organisation, User  # noqa: E402
from situation_reports.categories import ensure_default_categories  # noqa: E402
from situation_reports.models import Incident, IncidentCategory  # noqa: E402

SLUG = "benchmarkby"


def setup(rows):
    ensure_default_categories()
    municipality, _ = Municipality.objects.get_or_create(
        slug=SLUG, defaults={"name": "Benchmarkby", "code": "9999"}
    )
    org, _ = Organisation.objects.get_or_create(
        name="Benchmarkby kommun", defaults={"kind": Organisation.Kind.MUNICIPAL_ADMINISTRATION}
    )
    org.municipalities.add(municipality)
    user, _ = User.objects.get_or_create(username="benchmark.samordnare")
    MunicipalityMembership.objects.get_or_create(
        user=user, municipality=municipality, defaults={"role": "coordinator", "organisation": org}
    )
    areas = [
        Area.objects.get_or_create(
            municipality=municipality,
            name=f"Område {i}",
            defaults={"latitude": 55.6 + i / 100, "longitude": 13.0 + i / 100},
        )[0]
        for i in range(12)
    ]
    existing = Incident.objects.filter(municipality=municipality).count()
    if existing >= rows:
        print(f"{existing} incidents already there.")
        return municipality, user
    categories = list(IncidentCategory.objects.filter(municipality__isnull=True))
    rng = random.Random(1)
    now = timezone.now()
    started = time.monotonic()
    batch = []
    for n in range(rows - existing):
        when = now - datetime.timedelta(minutes=rng.randrange(1, 3 * 365 * 24 * 60))
        local = timezone.localtime(when)
        batch.append(
            Incident(
                municipality=municipality,
                occurred_on=local.date(),
                started_at=when,
                part_of_day="evening",
                area=rng.choice(areas),
                category=rng.choice(categories),
                description=f"Benchmarkhändelse nummer {n} vid stationen.",
                severity=rng.choice([1, 2, 3]),
                confidentiality=rng.choice(["open", "open", "restricted"]),
                organisation=org,
                created_by=user,
            )
        )
        if len(batch) == 5000:
            Incident.objects.bulk_create(batch)
            batch = []
    Incident.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE situation_reports_incident")
    print(f"Created {rows - existing} incidents in {time.monotonic() - started:.1f} s.")
    return municipality, user


def measure(client, url, requests):
    client.get(url)  # warm up
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--drop", action="store_true", help="Remove the benchmark data after.")
    args = parser.parse_args()
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Warning: not PostgreSQL; the figures will not say much.")
    settings.ALLOWED_HOSTS = ["*"]
    municipality, user = setup(args.rows)
    total = Incident.objects.filter(municipality=municipality).count()
    client = Client()
    client.force_login(user)
    base = f"/{SLUG}/incidents/"
    area = Area.objects.filter(municipality=municipality).first()
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    cases = {
        "list, first page": base,
        "list, page 1000": base + "?page=1000",
        "filtered by area and period": base + f"?area={area.pk}&date_from={year_ago}",
        "sorted by category": base + "?sort=category",
        "free text": base + "?q=nummer+4711",
        "map data (5,000 newest)": f"/{SLUG}/incidents/map/data.json",
    }
    print(f"{total} incidents in {municipality}; {args.requests} requests per case.")
    print(f"{'case':32} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    for name, url in cases.items():
        median, p95, queries = measure(client, url, args.requests)
        print(f"{name:32} {median:10.1f} {p95:10.1f} {queries:8d}")
    if args.drop:
        Incident.objects.filter(municipality=municipality).delete()
        Area.objects.filter(municipality=municipality).delete()
        MunicipalityMembership.objects.filter(municipality=municipality).delete()
        municipality.delete()
        print("Benchmark data removed.")


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # A benchmark sets up and measures across municipalities: a deliberate unscoped run
    # (the pages it requests are scoped as in production).
    with scopes_disabled():
        main()

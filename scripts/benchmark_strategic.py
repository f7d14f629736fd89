"""Benchmark (not a test): compiling a strategic lägesbild (issue 13) and opening its page,
against a trivial view.

Seeds the demo (once, for Burlöv, its coordinator and its strategic council), loads the
reference list and counts the police events of all 290 municipalities from the shared data
(``load_municipality_reference``, ``aggregate_police_events``), adds ``--incidents`` incidents
to Burlöv over 2023–2025, spread over the categories, areas and months, and 50 indicator series
with five years of values (once each), then:

- compiles a strategic lägesbild for 2025 ``--compiles`` times (create + compile, as the worker
  does), printing the median and the queries;
- requests ``/healthz`` (the trivial view) and the lägesbild's page ``--requests`` times as
  Burlöv's coordinator, and its PDF once.

The issue's goals: compile ≤ 2 s, page ≤ 300 ms. Run against a PostgreSQL database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_strategic.py [--incidents 100000] [--requests 20]
"""

import argparse
import datetime
import io
import random
import statistics
import time
from decimal import Decimal

from benchmark_common import measure
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from councils.models import Area, Body, Municipality, User
from situation_reports.models import (
    Incident,
    IncidentCategory,
    Indicator,
    IndicatorValue,
    PoliceEventCount,
    SituationReport,
)
from situation_reports.services import compiling

MARK = "Benchmark (strategic)"
SERIES = 50
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def setup(incidents):
    call_command("migrate", verbosity=0)
    if not Municipality.objects.filter(slug="burlov").exists():
        call_command("seed_demo", verbosity=0)
    # The commands themselves, as an operator runs them: both replace what they load.
    started = time.perf_counter()
    call_command("load_municipality_reference", verbosity=0, stdout=io.StringIO())
    call_command("aggregate_police_events", verbosity=0, stdout=io.StringIO())
    loaded = time.perf_counter() - started
    burlov = Municipality.objects.get(slug="burlov")
    user = User.objects.get(username="burlov.samordnare")
    existing = Incident.objects.filter(municipality=burlov, description=MARK).count()
    if existing < incidents:
        categories = list(IncidentCategory.objects.filter(municipality__isnull=True))
        areas = list(Area.objects.filter(municipality=burlov)) + [None]
        rng = random.Random(13)
        first = datetime.date(2023, 1, 1).toordinal()
        days = datetime.date(2025, 12, 31).toordinal() - first + 1
        rows = [
            Incident(
                municipality=burlov,
                occurred_on=datetime.date.fromordinal(first + rng.randrange(days)),
                category=rng.choice(categories),
                area=rng.choice(areas),
                description=MARK,
                confidentiality=rng.choice(["open", "open", "open", "restricted"]),
                created_by=user,
            )
            for _ in range(incidents - existing)
        ]
        Incident.objects.bulk_create(rows, batch_size=5000)
    if not Indicator.objects.filter(municipality=burlov, code__startswith="bench-").exists():
        indicators = Indicator.objects.bulk_create(
            Indicator(
                municipality=burlov,
                code=f"bench-{n}",
                name=f"{MARK} {n}",
                unit="count",
                source="Benchmark",
                section="consequences" if n % 3 == 0 else "other_information",
            )
            for n in range(SERIES)
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                municipality=burlov,
                indicator=indicator,
                period="year",
                year=year,
                value=Decimal(n + year - 2020),
            )
            for n, indicator in enumerate(indicators)
            for year in range(2021, 2026)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    body = Body.objects.get(municipality=burlov, name="Strategiskt råd")
    return burlov, user, body, loaded


def compile_once(burlov, body, user):
    """One compile as the worker does it, timed; rolled back so every run starts alike."""
    with transaction.atomic():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = compiling.create_strategic_report(burlov, body, START, END, user=user)
            compiling.compile_report(report.pk)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    return elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--compiles", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Warning: not PostgreSQL; the figures will not say much.")
    settings.ALLOWED_HOSTS = ["*"]
    with scopes_disabled():
        burlov, user, body, loaded = setup(args.incidents)
        total = Incident.objects.filter(municipality=burlov).count()
        in_years = Incident.objects.filter(
            municipality=burlov, occurred_on__year__gte=2023, occurred_on__year__lte=2025
        ).count()
        counted = PoliceEventCount.objects.values("municipality").distinct().count()
        series = Indicator.objects.filter(values__municipality=burlov).distinct().count()
        runs = [compile_once(burlov, body, user) for _ in range(args.compiles)]
        report = compiling.create_strategic_report(burlov, body, START, END, user=user)
        compiling.compile_report(report.pk)
    compile_ms = statistics.median(ms for ms, _q in runs)
    print(
        f"Burlöv: {total} incidents ({in_years} in 2023–2025); police events counted for "
        f"{counted} municipalities (reference list loaded and events counted in "
        f"{loaded:.1f} s); {series} indicator series with values."
    )
    print(
        f"compile (create + compile_report), median of {args.compiles}: {compile_ms:.0f} ms, "
        f"{runs[0][1]} queries; goal ≤ 2000 ms: {'met' if compile_ms <= 2000 else 'NOT met'}"
    )
    client = Client()
    client.force_login(user)
    url = report.get_absolute_url()
    pdf_url = reverse(
        "situation_reports:report-pdf", kwargs={"municipality": "burlov", "pk": report.pk}
    )
    trivial, _p95, _q = measure(client, args.requests, lambda c: c.get("/healthz"))
    page, page_p95, page_queries = measure(client, args.requests, lambda c: c.get(url))
    # WeasyPrint is imported on a process's first PDF (trygghet/pdf.py): timed on its own, so
    # the PDF's figure is what every PDF of a running server costs.
    started = time.perf_counter()
    import weasyprint  # noqa: F401

    import_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    pdf = client.get(pdf_url)
    pdf_ms = (time.perf_counter() - started) * 1000
    print(f"{'case':28} {'median ms':>10} {'p95 ms':>10} {'ratio':>7} {'queries':>8}")
    print(f"{'trivial view (/healthz)':28} {trivial:10.1f} {'':>10} {1:7.1f}")
    print(
        f"{'compile (median of ' + str(args.compiles) + ')':28} {compile_ms:10.1f} {'':>10} "
        f"{compile_ms / trivial:7.1f} {runs[0][1]:8}"
    )
    print(
        f"{'the lägesbild page':28} {page:10.1f} {page_p95:10.1f} {page / trivial:7.1f} "
        f"{page_queries:8}"
    )
    print(
        f"{'its PDF (once)':28} {pdf_ms:10.1f} {'':>10} {pdf_ms / trivial:7.1f}   "
        f"({len(pdf.content) // 1024} KB; WeasyPrint's import before it: {import_ms:.0f} ms)"
    )
    print(f"page goal ≤ 300 ms: {'met' if page <= 300 else 'NOT met'}")
    with scopes_disabled():
        SituationReport.objects.filter(pk=report.pk).delete()


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark (not a test): compiling a situation report on a national-scale incident table.

Builds (once) at least 1,000,000 incidents over many municipalities and three years with
PostgreSQL's generate_series, then, for one ordinary municipality and one large one, times

  * ``report_compile.compute`` (what the task, the view and the command run), and
  * one hand-written SQL statement computing the same numbers (totals, categories and areas
    against the previous period and last year, weekday × part of day, hot and recurring places,
    sources),

checks that both give the same numbers, and prints the times and their ratio (best of N runs,
warm cache). Run it against a database of its own, migrated first:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench \\
        .venv/bin/python scripts/benchmark_situation_report.py [--incidents 1000000]

The rows it makes belong to municipalities whose slug starts with ``bench-``; ``--drop``
removes them.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
# A benchmark runs as production does (DEBUG off: no query logging).
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-0123456789-abcdefghijklmnop")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from councils.models import Area, Municipality  # noqa: E402
from situation_reports import report_compile  # noqa: E402
from situation_reports.models import Incident, IncidentCategory  # noqa: E402

PREFIX = "bench-"
AREAS_PER_MUNICIPALITY = 8
TODAY = datetime.date(2026, 11, 22)
FIRST_DAY = TODAY - datetime.timedelta(days=3 * 365)


def build(total, municipalities, large_share):
    """Municipalities, areas and ``total`` incidents; one municipality (the "large" one)
    gets ``large_share`` of them, the rest share the remainder evenly."""
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL.")
    existing = Incident.objects.filter(municipality__slug__startswith=PREFIX).count()
    if existing >= total:
        print(f"Using the {existing:,} benchmark incidents already in the database.")
        return
    drop()
    started = time.perf_counter()
    with transaction.atomic():
        munis = [
            Municipality.objects.create(
                name=f"Benchkommun {i:03d}",
                slug=f"{PREFIX}{i:03d}",
                code=f"9{i:03d}",
                population=20000 + i * 1000,
            )
            for i in range(municipalities)
        ]
        Area.objects.bulk_create(
            [
                Area(municipality=m, name=f"Område {a}")
                for m in munis
                for a in range(AREAS_PER_MUNICIPALITY)
            ]
        )
    category_ids = list(
        IncidentCategory.objects.filter(municipality__isnull=True).values_list("pk", flat=True)
    )
    muni_ids = [m.pk for m in munis]
    large = int(total * large_share)
    rest = total - large
    days = (TODAY - FIRST_DAY).days
    with connection.cursor() as cursor:
        # Municipality of each row: row n < large → the large one; the rest spread evenly.
        area_ids = list(
            Area.objects.filter(municipality__in=munis)
            .order_by("municipality__slug", "pk")
            .values_list("pk", flat=True)
        )
        first_area = area_ids[0]
        assert area_ids == list(range(first_area, first_area + len(area_ids))), "area ids"
        cursor.execute(
            """
            INSERT INTO situation_reports_incident (
                occurred_on, part_of_day, place, description, severity, confidentiality,
                status, source, created_at, updated_at, withdrawn_reason, police_type,
                police_url, import_key, area_id, municipality_id, category_id
            )
            SELECT
                %(first)s::date + (random() * %(days)s)::int,
                (ARRAY['night', 'morning', 'afternoon', 'evening', ''])
                    [1 + floor(random() * 5)::int],
                CASE WHEN random() < 0.7 THEN 'Gata ' || (random() * 150)::int ELSE '' END,
                'Benchmark',
                CASE WHEN random() < 0.05 THEN 3 WHEN random() < 0.5 THEN 2 ELSE 1 END,
                CASE WHEN random() < 0.1 THEN 'restricted' ELSE 'open' END,
                CASE WHEN random() < 0.03 THEN 'withdrawn' ELSE 'reported' END,
                CASE WHEN random() < 0.4 THEN 'police_open_data' ELSE 'manual' END,
                now(), now(), '', '', '', '',
                CASE WHEN random() < 0.9
                     THEN %(first_area)s + m.idx * %(areas)s + (g %% %(areas)s) END,
                (%(munis)s::bigint[])[1 + m.idx],
                (%(categories)s::bigint[])[1 + (random() * (%(n_categories)s - 1))::int]
            FROM generate_series(0, %(total)s - 1) AS g
            CROSS JOIN LATERAL (
                SELECT CASE WHEN g < %(large)s THEN 0
                            ELSE 1 + ((g - %(large)s) %% %(others)s) END AS idx
            ) AS m
            """,
            {
                "first": FIRST_DAY,
                "days": days,
                "areas": AREAS_PER_MUNICIPALITY,
                "first_area": first_area,
                "categories": category_ids,
                "n_categories": len(category_ids),
                "total": total,
                "large": large,
                "munis": muni_ids,
                "others": len(muni_ids) - 1,
            },
        )
        print(f"Inserted {cursor.rowcount:,} incidents in {time.perf_counter() - started:.1f} s")
        cursor.execute("ANALYZE situation_reports_incident")
    print(f"  (rest per ordinary municipality: ~{rest // (municipalities - 1):,})")


def drop():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM situation_reports_incident WHERE municipality_id IN
                (SELECT id FROM councils_municipality WHERE slug LIKE %s)
            """,
            [PREFIX + "%"],
        )
        cursor.execute(
            """
            DELETE FROM situation_reports_area WHERE municipality_id IN
                (SELECT id FROM councils_municipality WHERE slug LIKE %s)
            """,
            [PREFIX + "%"],
        )
        cursor.execute("DELETE FROM councils_municipality WHERE slug LIKE %s", [PREFIX + "%"])


# The same numbers in one hand-written statement: grouping sets over the three periods for
# totals, categories, areas and weekday × part of day; places over the period and the twelve
# weeks before; sources of the period.
HAND_SQL = """
WITH base AS (
    SELECT i.category_id, i.area_id, i.occurred_on, i.part_of_day, i.place, i.source,
           i.confidentiality, i.severity, o.kind AS org_kind,
           (i.occurred_on BETWEEN %(s)s AND %(e)s) AS cur,
           (i.occurred_on BETWEEN %(ps)s AND %(pe)s) AS prev,
           (i.occurred_on BETWEEN %(ys)s AND %(ye)s) AS ly
    FROM situation_reports_incident i
    LEFT JOIN councils_organisation o ON o.id = i.organisation_id
    WHERE i.municipality_id = %(m)s AND i.status <> 'withdrawn'
      AND (i.occurred_on BETWEEN %(s)s AND %(e)s OR i.occurred_on BETWEEN %(ps)s AND %(pe)s
           OR i.occurred_on BETWEEN %(ys)s AND %(ye)s
           OR i.occurred_on BETWEEN %(rs)s AND %(e)s)
),
cube AS (
    SELECT 'cube' AS part,
           CASE WHEN GROUPING(category_id) = 0 THEN 'category'
                WHEN GROUPING(area_id) = 0 THEN 'area'
                WHEN GROUPING(wd) = 0 THEN 'when' ELSE 'total' END AS kind,
           category_id::text AS k1, area_id::text AS k2, wd::text AS k3, pod AS k4,
           count(*) FILTER (WHERE cur) AS a, count(*) FILTER (WHERE prev) AS b,
           count(*) FILTER (WHERE ly) AS c, count(*) FILTER (WHERE cur AND severity = 3) AS d
    FROM (SELECT *, extract(isodow FROM occurred_on)::int AS wd, part_of_day AS pod
          FROM base WHERE cur OR prev OR ly) x
    GROUP BY GROUPING SETS ((category_id), (area_id), (wd, pod), ())
),
places AS (
    SELECT 'place' AS part, 'place' AS kind, lower(trim(place)) AS k1, NULL, NULL, NULL,
           count(*) FILTER (WHERE cur), count(*) FILTER (WHERE occurred_on < %(s)s), 0, 0
    FROM base WHERE place <> '' AND occurred_on BETWEEN %(rs)s AND %(e)s
    GROUP BY lower(trim(place)) HAVING count(*) FILTER (WHERE cur) > 0
),
sources AS (
    SELECT 'source', 'source', source, org_kind, NULL, NULL, count(*), 0, 0, 0
    FROM base WHERE cur GROUP BY source, org_kind
)
SELECT * FROM cube UNION ALL SELECT * FROM places UNION ALL SELECT * FROM sources
"""


def hand_sql(municipality, start, end):
    (ps, pe), (ys, ye) = report_compile.comparison_periods(start, end)
    rs = start - datetime.timedelta(weeks=report_compile.RECUR_WEEKS)
    with connection.cursor() as cursor:
        cursor.execute(
            HAND_SQL,
            {
                "m": municipality.pk,
                "s": start,
                "e": end,
                "ps": ps,
                "pe": pe,
                "ys": ys,
                "ye": ye,
                "rs": rs,
            },
        )
        return cursor.fetchall()


def best_of(runs, func):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def check_same(data, rows):
    """The compile's numbers equal the hand-written statement's."""
    cube_high = next(r for r in rows if r[1] == "total")[9]
    data = {**data, "totals": {**data["totals"], "high": data["totals"]["high"]}}
    assert cube_high == data["totals"]["high"], "high severity differs"
    total = next(r for r in rows if r[1] == "total")
    assert (data["totals"]["current"], data["totals"]["previous"], data["totals"]["last_year"]) == (
        total[6],
        total[7],
        total[8],
    ), "totals differ"
    assert data["totals"]["high"] == total[9], "high severity differs"
    by_category = {int(r[2]): (r[6], r[7], r[8]) for r in rows if r[1] == "category"}
    assert {
        r["key"]: (r["current"], r["previous"], r["last_year"]) for r in data["categories"]
    } == (by_category), "categories differ"
    hot = sorted((r[6] for r in rows if r[0] == "place"), reverse=True)[: report_compile.TOP_PLACES]
    assert [p["current"] for p in data["places"]] == hot, "hot places differ"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--large-share", type=float, default=0.1)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--drop", action="store_true", help="Remove the benchmark rows and stop.")
    args = parser.parse_args()
    if args.drop:
        drop()
        print("Benchmark rows removed.")
        return
    build(args.incidents, args.municipalities, args.large_share)
    total = Incident.objects.count()
    munis = Municipality.objects.filter(slug__startswith=PREFIX).order_by("slug")
    print(
        f"Table: {total:,} incidents in {Municipality.objects.count()} municipalities, "
        f"{FIRST_DAY} – {TODAY}; period {args.days} days ending {TODAY}; best of {args.runs}."
    )
    end = TODAY
    start = end - datetime.timedelta(days=args.days - 1)
    print(
        f"{'municipality':<18}{'incidents':>10}{'numbers ms':>12}{'SQL ms':>8}{'ratio':>7}"
        f"{'whole compile ms':>18}{'ratio':>7}"
    )
    for municipality in (munis[0], munis[1]):
        count = Incident.objects.filter(municipality=municipality).count()
        # Warm up, then time: the numbers alone (what the statement computes), the whole
        # compile (numbers plus the lists: notable incidents, observations, events, actions),
        # and the hand-written statement.
        report_compile.compute(municipality, start, end, today=TODAY)
        hand_sql(municipality, start, end)
        n_best, _n_median, data = best_of(
            args.runs, lambda m=municipality: report_compile.figures(m, start, end)
        )
        c_best, _c_median, _data = best_of(
            args.runs, lambda m=municipality: report_compile.compute(m, start, end, today=TODAY)
        )
        s_best, _s_median, rows = best_of(args.runs, lambda m=municipality: hand_sql(m, start, end))
        check_same(data, rows)
        print(
            f"{municipality.name:<18}{count:>10,}{n_best * 1000:>12.1f}{s_best * 1000:>8.1f}"
            f"{n_best / s_best:>7.2f}{c_best * 1000:>18.1f}{c_best / s_best:>7.2f}"
        )
    print("The compile's numbers equal the hand-written statement's (checked).")


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # A benchmark sets up and measures across municipalities: a deliberate unscoped run
    # (the pages it requests are scoped as in production).
    with scopes_disabled():
        main()

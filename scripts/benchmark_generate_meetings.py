#!/usr/bin/env python
"""Benchmark (not a test): planning the meetings of every series of a national installation.

Builds (once) 290 municipalities with 5 bodies each (8 members apiece) and one series per body
(weekly, every other week, monthly on a weekday and two RRULEs), then times, on empty
calendars,

  * ``services.generate_meetings`` for 8 weeks ahead (what the nightly generation does), and
  * ``services.refresh_upcoming_agendas`` (the automatic agenda items of the coming 14 days,
    which the nightly work also runs),

and a second generation, which must create nothing. It prints meetings, invitations and agenda
items made, SQL statements and seconds (best of N runs; the meetings are deleted between runs).
Run it against a database of its own, migrated first:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench \\
        .venv/bin/python scripts/benchmark_generate_meetings.py [--municipalities 290]

The rows it makes belong to municipalities whose slug starts with ``bench-meet-``; ``--drop``
removes them.
"""

import argparse
import datetime
import os
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
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from councils.models import Body, Membership, Municipality, User  # noqa: E402
from meetings import services  # noqa: E402
from meetings.models import AgendaItem, Attendance, Meeting, MeetingSeries  # noqa: E402

PREFIX = "bench-meet-"
MEMBERS_PER_BODY = 8
AGENDA = "Mötet öppnas\nFöregående protokoll\nLäget\nÖvriga frågor\nMötet avslutas"
R = MeetingSeries.Recurrence
# (body kind, recurrence, extra series fields)
SERIES = [
    (Body.Kind.SITUATION_GROUP, R.WEEKLY, {}),
    (Body.Kind.PREPARATION_GROUP, R.BIWEEKLY, {}),
    (Body.Kind.STRATEGIC_COUNCIL, R.MONTHLY_WEEKDAY, {"weekday": 1, "week_of_month": 1}),
    (Body.Kind.WORKING_GROUP, R.RRULE, {"rrule": "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE"}),
    (Body.Kind.COUNCIL, R.RRULE, {"rrule": "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR"}),
]


def build(municipalities):
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL.")
    existing = MeetingSeries.objects.filter(municipality__slug__startswith=PREFIX).count()
    if existing >= municipalities * len(SERIES):
        print(f"Using the {existing:,} benchmark series already in the database.")
        return
    drop()
    started = time.perf_counter()
    first = timezone.localdate() - datetime.timedelta(weeks=10)
    with transaction.atomic():
        munis = Municipality.objects.bulk_create(
            [
                Municipality(name=f"Mötesby {i:03d}", slug=f"{PREFIX}{i:03d}", code=f"7{i:03d}")
                for i in range(municipalities)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(username=f"{PREFIX}{m.slug[-3:]}-{n}", first_name="Ledamot", last_name=str(n))
                for m in munis
                for n in range(MEMBERS_PER_BODY)
            ]
        )
        bodies = Body.objects.bulk_create(
            [
                Body(municipality=m, name=f"{kind.label} {m.name}", kind=kind)
                for m in munis
                for kind, _recurrence, _extra in SERIES
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(body=body, user=users[index // len(SERIES) * MEMBERS_PER_BODY + n])
                for index, body in enumerate(bodies)
                for n in range(MEMBERS_PER_BODY)
            ]
        )
        MeetingSeries.objects.bulk_create(
            [
                MeetingSeries(
                    municipality_id=body.municipality_id,
                    body=body,
                    recurrence=recurrence,
                    start_date=first,
                    start_time=datetime.time(9 + index % 5, 0),
                    duration_minutes=90,
                    place="Kommunhuset",
                    default_agenda=AGENDA,
                    **extra,
                )
                for index, body in enumerate(bodies)
                for kind, recurrence, extra in [SERIES[index % len(SERIES)]]
            ]
        )
    print(
        f"Built {len(munis)} municipalities, {len(bodies):,} bodies and series, "
        f"{len(users):,} members in {time.perf_counter() - started:.1f} s"
    )


def bench_meetings():
    return Meeting.objects.filter(municipality__slug__startswith=PREFIX)


def clear():
    """Empty calendars: delete the benchmark meetings and what hangs off them."""
    with connection.cursor() as cursor:
        ids = "SELECT id FROM meetings_meeting WHERE municipality_id IN " + (
            "(SELECT id FROM councils_municipality WHERE slug LIKE %s)"
        )
        for table in ("meetings_agendaitem", "meetings_attendance"):
            cursor.execute(f"DELETE FROM {table} WHERE meeting_id IN ({ids})", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM meetings_meeting WHERE id IN ({ids})", [PREFIX + "%"])


def drop():
    clear()
    with connection.cursor() as cursor:
        like = [PREFIX + "%"]
        cursor.execute(
            "DELETE FROM meetings_meetingseries WHERE municipality_id IN "
            "(SELECT id FROM councils_municipality WHERE slug LIKE %s)",
            like,
        )
        cursor.execute(
            "DELETE FROM councils_membership WHERE body_id IN (SELECT b.id FROM councils_body b "
            "JOIN councils_municipality m ON m.id = b.municipality_id WHERE m.slug LIKE %s)",
            like,
        )
        cursor.execute(
            "DELETE FROM councils_body WHERE municipality_id IN "
            "(SELECT id FROM councils_municipality WHERE slug LIKE %s)",
            like,
        )
        cursor.execute("DELETE FROM councils_user WHERE username LIKE %s", like)
        cursor.execute("DELETE FROM councils_municipality WHERE slug LIKE %s", like)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(func):
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        func()
    return time.perf_counter() - started, counter.count


def one_run(weeks, series):
    """Each step on empty calendars: (name, seconds, statements, (meetings, invites, items))."""
    clear()
    now = timezone.now()
    steps = [
        ("generate_meetings", lambda: services.generate_meetings(weeks, now, series)),
        ("refresh_upcoming_agendas", lambda: services.refresh_upcoming_agendas(now=now)),
        ("generate_meetings again", lambda: services.generate_meetings(weeks, now)),
    ]
    results = []
    for name, func in steps:
        seconds, queries = timed(func)
        meetings = bench_meetings()
        counts = (
            meetings.count(),
            Attendance.objects.filter(meeting__in=meetings).count(),
            AgendaItem.objects.filter(meeting__in=meetings).count(),
        )
        results.append((name, seconds, queries, counts))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drop", action="store_true", help="Remove the benchmark rows and stop.")
    args = parser.parse_args()
    # Set-up and measurement across municipalities: a deliberate unscoped run.
    with scopes_disabled():
        if args.drop:
            drop()
            print("Benchmark rows removed.")
            return
        build(args.municipalities)
        series = list(
            MeetingSeries.objects.filter(municipality__slug__startswith=PREFIX).order_by("pk")
        )
        print(
            f"{len(series):,} series in {args.municipalities} municipalities, "
            f"{args.weeks} weeks ahead, best of {args.runs} runs."
        )
        print(f"{'step':<34}{'meetings':>9}{'invites':>9}{'items':>9}{'SQL':>9}{'seconds':>9}")
        best = {}
        for _run in range(args.runs):
            for name, seconds, queries, counts in one_run(args.weeks, series):
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, queries, counts)
        for name, (seconds, queries, counts) in best.items():
            meetings, invites, items = counts
            print(f"{name:<34}{meetings:>9,}{invites:>9,}{items:>9,}{queries:>9,}{seconds:>9.2f}")
        total = best["generate_meetings"][0] + best["refresh_upcoming_agendas"][0]
        print(f"{'nightly work (first two)':<34}{'':>45}{total:>9.2f}")


if __name__ == "__main__":
    main()

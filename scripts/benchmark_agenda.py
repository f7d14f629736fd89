"""Benchmark (not a test): a meeting page whose automatic agenda items are recomputed as it
opens (issue 12), against a trivial view.

Seeds the demo (once; ``manage.py seed_demo``, idempotent), adds ``--incidents`` open and
restricted incidents to Burlöv in the last two weeks (once), then requests, as Burlöv's
coordinator:

- ``/healthz``: the trivial view every ratio is against;
- the next planned "Örat mot marken" meeting with the agenda as it was before issue 12 (the
  stored items, no recompute: ``current_agenda`` switched off);
- the same page as it is now (the automatic items recomputed on every open);
- the way to a current agenda before issue 12: "Refill automatic items" pressed, then the page.

It prints the median and 95th percentile time of each, its ratio to the trivial view and its
queries. Run against a PostgreSQL database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_agenda.py [--incidents 20000] [--requests 40]
"""

import argparse
import datetime
import random

from benchmark_common import measure
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from councils.models import Municipality, User
from meetings import services
from meetings.models import Meeting
from situation_reports.models import Incident, IncidentCategory

MARK = "Benchmark (agenda)"


def setup(incidents):
    call_command("migrate", verbosity=0)
    if not Municipality.objects.filter(slug="burlov").exists():
        call_command("seed_demo", verbosity=0)
    burlov = Municipality.objects.get(slug="burlov")
    user = User.objects.get(username="burlov.samordnare")
    existing = Incident.objects.filter(municipality=burlov, description=MARK).count()
    if existing < incidents:
        categories = list(IncidentCategory.objects.filter(municipality__isnull=True))
        rng = random.Random(1)
        now = timezone.now()
        rows = []
        for _ in range(incidents - existing):
            when = now - datetime.timedelta(minutes=rng.randrange(10, 14 * 24 * 60))
            rows.append(
                Incident(
                    municipality=burlov,
                    occurred_on=timezone.localtime(when).date(),
                    started_at=when,
                    category=rng.choice(categories),
                    description=MARK,
                    confidentiality=rng.choice(["open", "open", "restricted"]),
                    created_by=user,
                )
            )
        Incident.objects.bulk_create(rows, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE situation_reports_incident")
    meeting = (
        Meeting.objects.filter(
            municipality=burlov,
            body__name="Örat mot marken",
            status=Meeting.Status.PLANNED,
            start__gt=timezone.now(),
        )
        .order_by("start")
        .first()
    )
    services.fill_agenda(meeting)
    return user, meeting


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Warning: not PostgreSQL; the figures will not say much.")
    settings.ALLOWED_HOSTS = ["*"]
    with scopes_disabled():
        user, meeting = setup(args.incidents)
        total = Incident.objects.filter(municipality=meeting.municipality).count()
    client = Client()
    client.force_login(user)
    url = meeting.get_absolute_url()
    fill_url = f"{url}agenda/fill/"
    recompute = services.current_agenda

    def stored(c):
        services.current_agenda = lambda meeting: False
        try:
            return c.get(url)
        finally:
            services.current_agenda = recompute

    def refill_then_open(c):
        c.post(fill_url)
        return stored(c)

    cases = {
        "trivial view (/healthz)": lambda c: c.get("/healthz"),
        "before: stored agenda": stored,
        "after: recomputed on open": lambda c: c.get(url),
        "before: refill pressed + open": refill_then_open,
    }
    print(f"{total} incidents in Burlöv; {meeting} ({url}); {args.requests} requests per case.")
    print(f"{'case':32} {'median ms':>10} {'p95 ms':>10} {'ratio':>7} {'queries':>8}")
    trivial = None
    for name, request in cases.items():
        median, p95, queries = measure(client, args.requests, request)
        trivial = trivial or median
        print(f"{name:32} {median:10.1f} {p95:10.1f} {median / trivial:7.1f} {queries:8d}")


if __name__ == "__main__":
    main()

"""Benchmark (not a test): the action plan's pages (issue 14) against a trivial view.

Seeds the demo (once), then gives Burlöv's decided plan ``--measures`` more measures in a
revision (each answering the lägesbild's problems, with an indicator and four quarterly
updates), decides the revision, and requests as Burlöv's coordinator ``--requests`` times:
``/healthz`` (the trivial view), the plan's page, its follow-up page, a measure's page, the
decision register, and the public page without login; then compiles the annual follow-up once
and prints its time and queries. Prints median, p95, the ratio to the trivial view and the
queries of one request. Run against a PostgreSQL database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_plans.py [--measures 60] [--requests 20]
"""

import argparse
import datetime
import time
from decimal import Decimal

from benchmark_common import measure
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from councils.models import User
from situation_reports.models import (
    ActionPlan,
    DecisionMaker,
    Indicator,
    Measure,
    MeasureIndicator,
    MeasureUpdate,
)
from situation_reports.services import compiling, plans

MARK = "Benchmark-åtgärd"


def setup(extra):
    call_command("migrate", verbosity=0)
    if not ActionPlan.objects.filter(municipality__slug="burlov").exists():
        call_command("seed_demo", verbosity=0)
    plan = ActionPlan.objects.get(municipality__slug="burlov", status="decided")
    if plan.measures.filter(title__startswith=MARK).count() >= extra:
        return plan
    coordinator = User.objects.get(username="burlov.samordnare")
    with transaction.atomic():
        revision = plans.revise(plan, coordinator, "Benchmark")
        template = revision.measures.first()
        problems = list(revision.based_on.problems.all())
        indicator = Indicator.objects.available_to(plan.municipality).first()
        for n in range(extra):
            added = Measure.objects.create(
                plan=revision,
                title=f"{MARK} {n}",
                description="Benchmark",
                responsible_organisation=template.responsible_organisation,
                responsible_person=coordinator,
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2026, 12, 31),
                is_public=n % 2 == 0,
                position=100 + n,
            )
            added.problems.set(problems)
            MeasureIndicator.objects.create(
                measure=added,
                indicator=indicator,
                baseline=Decimal("30"),
                baseline_year=2024,
                target=Decimal("20"),
                target_year=2026,
            )
        plans.decide(
            revision,
            coordinator,
            made_by=DecisionMaker.EXECUTIVE_BOARD,
            board_name="Kommunstyrelsen",
            date=datetime.date(2026, 6, 1),
            paragraph="§ 99",
            registry_number="KS 2026/1",
            review_date=datetime.date(2027, 6, 1),
        )
        revision = ActionPlan.objects.get(pk=revision.pk)
        plans.set_public(revision, True)
        for each in revision.measures.all():
            for quarter in range(4):
                MeasureUpdate.objects.create(
                    measure=each,
                    author=coordinator,
                    date=datetime.date(2025, 3 * quarter + 2, 15),
                    output="Gjort",
                    status="ongoing",
                    previous_status="ongoing",
                    hours_spent=Decimal("10"),
                    money_spent=Decimal("1000"),
                )
    return revision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=60)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]  # the test client's "testserver"
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL; the figures will not say much.")
    with scopes_disabled():
        plan = setup(args.measures)
        one = plan.measures.first()
        count = plan.measures.count()
    client = Client()
    client.force_login(User.objects.get(username="burlov.samordnare"))
    anonymous = Client()
    trivial, _p95, _q = measure(client, args.requests, lambda c: c.get("/healthz"))
    cases = [
        ("plan page", client, plan.get_absolute_url()),
        ("follow-up page", client, plan.get_absolute_url() + "follow-up/"),
        ("measure page", client, one.get_absolute_url()),
        ("decision register", client, "/burlov/decisions/"),
        ("public page (no login)", anonymous, "/burlov/public/"),
    ]
    print(f"Burlöv's plan with {count} measures, {4 * args.measures} updates")
    print(f"{'case':28} {'median ms':>10} {'p95 ms':>10} {'ratio':>7} {'queries':>8}")
    print(f"{'trivial view (/healthz)':28} {trivial:10.1f} {'':>10} {1:7.1f}")
    for name, who, address in cases:
        median, p95, queries = measure(who, args.requests, lambda c, a=address: c.get(a))
        print(f"{name:28} {median:10.1f} {p95:10.1f} {median / trivial:7.1f} {queries:8}")
    with scopes_disabled():
        body = plan.body
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            with transaction.atomic():
                report = plans.create_follow_up_report(plan, 2025, body)
                compiling.compile_report(report.pk)
                elapsed = (time.perf_counter() - started) * 1000
                transaction.set_rollback(True)
    print(f"{'annual follow-up compile':28} {elapsed:10.1f} {'':>10} {'':>7} {len(captured):8}")


if __name__ == "__main__":
    main()

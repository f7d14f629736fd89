from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from councils import demo as councils_demo
from meetings import demo as meetings_demo
from situation_reports import demo as situation_reports_demo
from trygghet import demo as trygghet_demo

# Each app seeds its own part, in the order they build on each other: (app, seed function).
# Each must be idempotent: running the command twice changes nothing.
DEMOS = [
    ("councils", councils_demo.seed),
    ("situation_reports", situation_reports_demo.seed),
    ("meetings", meetings_demo.seed),
    # Situation reports for the meetings above (needs the meetings, so it comes last).
    ("situation_reports", situation_reports_demo.seed_reports),
    # The strategic lägesbild of 2025 (its own figures; after the reports, so the start page's
    # latest report stays the situation group's).
    ("situation_reports", situation_reports_demo.seed_strategic),
    # The action plan decided from that lägesbild, followed up, with its annual report 2025.
    ("situation_reports", situation_reports_demo.seed_plans),
    # What the municipalities share with neighbours, the county and the police area (needs
    # the approved strategic lägesbild above).
    ("situation_reports", situation_reports_demo.seed_sharing),
    # A retention decision (gallring) per municipality (issue 17).
    ("situation_reports", situation_reports_demo.seed_retention),
    # One subscription per demo partner (issue 17; needs the areas above).
    ("trygghet", trygghet_demo.seed),
]


class Command(BaseCommand):
    help = "Create the demo municipalities Burlöv and Eslöv with their people, bodies and data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=list(dict.fromkeys(app for app, _seed in DEMOS)),
            action="append",
            help="Seed only these apps (and nothing that depends on the others).",
        )

    def handle(self, *args, only=None, **options):
        for app, seed in DEMOS:
            if only and app not in only:
                continue
            # The demo writes both municipalities' rows: a deliberate unscoped run.
            with transaction.atomic(), scopes_disabled():
                seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if not settings.DEBUG:
            # docker-compose.yml runs with DEBUG off; the README offers the demo there too.
            self.stdout.write(
                self.style.WARNING(
                    "The demo users and the operator 'drift' (a superuser) have the password "
                    "'trygghet-demo', and the demo's API token is public (README): for a "
                    "demonstration only, never on a real installation."
                )
            )

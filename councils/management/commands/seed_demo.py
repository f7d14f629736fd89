import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

# Each app seeds its own part, in the order they build on each other: a module's ``seed``, or
# the function named after the colon. Each must be idempotent: running the command twice
# changes nothing.
DEMO_MODULES = [
    "councils.demo",
    "situation_reports.demo",
    "meetings.demo",
    # Situation reports for the meetings above (needs the meetings, so it comes last).
    "situation_reports.demo:seed_reports",
]


class Command(BaseCommand):
    help = "Create the demo municipalities Burlöv and Eslöv with their people, bodies and data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=[m.split(".")[0] for m in DEMO_MODULES],
            action="append",
            help="Seed only these apps (and nothing that depends on the others).",
        )

    def handle(self, *args, only=None, **options):
        for step in DEMO_MODULES:
            module_name, _colon, function = step.partition(":")
            app = module_name.split(".")[0]
            if only and app not in only:
                continue
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            # The demo writes both municipalities' rows: a deliberate unscoped run.
            with transaction.atomic(), scopes_disabled():
                getattr(module, function or "seed")(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if not settings.DEBUG:
            # docker-compose.yml runs with DEBUG off; the README offers the demo there too.
            self.stdout.write(
                self.style.WARNING(
                    "The demo users and the operator 'drift' (a superuser) have the password "
                    "'trygghet-demo': for a demonstration only, never on a real installation."
                )
            )

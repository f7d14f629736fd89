from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from meetings import services


class Command(BaseCommand):
    help = "Create the meetings of every active series for the coming weeks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--weeks",
            type=int,
            default=services.DEFAULT_HORIZON_WEEKS,
            help="How many weeks ahead (default %(default)s).",
        )

    def handle(self, *args, weeks, **options):
        if weeks < 1 or weeks > 104:
            raise CommandError("--weeks must be between 1 and 104.")
        with scopes_disabled():  # every municipality's series
            created = services.generate_meetings(weeks=weeks)
            services.refresh_upcoming_agendas()
        self.stdout.write(f"{len(created)} meetings created for {weeks} weeks ahead.")

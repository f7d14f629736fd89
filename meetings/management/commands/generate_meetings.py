from django.core.management.base import BaseCommand, CommandError

from meetings import services
from trygghet.tenancy import each_municipality


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
        created = 0
        for _municipality in each_municipality():
            created += len(services.generate_meetings(weeks=weeks))
            services.refresh_upcoming_agendas()
        self.stdout.write(f"{created} meetings created for {weeks} weeks ahead.")

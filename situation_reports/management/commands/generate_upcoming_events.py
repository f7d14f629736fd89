from django.core.management.base import BaseCommand, CommandError

from councils.models import Municipality
from situation_reports.services.upcoming import FIRST_YEAR, LAST_YEAR, generate_calendar
from trygghet.tenancy import municipality_scope


class Command(BaseCommand):
    help = (
        "Add a year's Swedish public holidays and school breaks (Skåne pattern) to a "
        "municipality's upcoming events. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, metavar="SLUG")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, municipality, year, **options):
        try:
            target = Municipality.objects.get(slug=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(f"Unknown municipality: {municipality}") from None
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"The year must be between {FIRST_YEAR} and {LAST_YEAR}.")
        with municipality_scope(target):
            created = generate_calendar(target, year)
        self.stdout.write(f"{created} upcoming events added for {target} {year}.")

from django.core.management.base import BaseCommand, CommandError

from situation_reports.services import comparisons

from .load_municipality_reference import DEFAULT_YEAR, default_directory


class Command(BaseCommand):
    help = (
        "Bring every municipality of the reference list into Trygghet (name, address, code, "
        f"county, population by year) from a directory holding "
        f"{comparisons.MUNICIPALITIES_FILE} and {comparisons.POPULATION_FILE}: the police's "
        "open-data import then covers them all. Existing municipalities keep their address. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            help="Default: $TRYGGHET_SHARED_DATA/municipalities, or ../shared/data/municipalities.",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=f"The year of the population figures (default {DEFAULT_YEAR}).",
        )

    def handle(self, directory=None, year=DEFAULT_YEAR, **options):
        directory = directory or default_directory()
        if directory is None:
            raise CommandError("Name the directory (or set TRYGGHET_SHARED_DATA).")
        if not 1900 <= year <= 2200:
            raise CommandError(f"Not a year: {year}")
        try:
            read, created = comparisons.onboard_all(directory, year)
        except comparisons.ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{read} municipalities in the list, {created} new in Trygghet, population of {year}."
        )

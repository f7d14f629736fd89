from django.core.management.base import BaseCommand, CommandError

from situation_reports.services import comparisons, police

DEFAULT_YEAR = comparisons.DEFAULT_POPULATION_YEAR


def default_directory():
    directory = police.shared_data_dir() / "municipalities"
    return directory if directory.is_dir() else None


class Command(BaseCommand):
    help = (
        "Load the reference list of Sweden's municipalities (codes, counties, population) from "
        f"a directory holding {comparisons.MUNICIPALITIES_FILE} and "
        f"{comparisons.POPULATION_FILE}. Safe to run again."
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
            number = comparisons.load_reference(directory, year)
        except comparisons.ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{number} municipalities loaded, population of {year}.")

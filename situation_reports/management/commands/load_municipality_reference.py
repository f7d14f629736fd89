import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from situation_reports.services import comparisons

DEFAULT_YEAR = comparisons.DEFAULT_POPULATION_YEAR


def default_directory():
    base = os.environ.get("TRYGGHET_SHARED_DATA")
    return Path(base) / "municipalities" if base else None


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
            help="Default: $TRYGGHET_SHARED_DATA/municipalities.",
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

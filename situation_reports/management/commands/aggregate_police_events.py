import time

from django.core.management.base import BaseCommand, CommandError

from situation_reports.services import comparisons, police


class Command(BaseCommand):
    help = (
        "Count the police's open-data events (a plain or gzipped JSON file, all "
        "municipalities) per municipality, event type and year for the comparisons page. "
        "Replaces the counts: running it twice gives the same table."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="Default: the shared events file.")

    def handle(self, source=None, **options):
        source = source or police.shared_events_file()
        if source is None:
            raise CommandError("Name the file (the shared events file is not here).")
        started = time.monotonic()
        try:
            summary = comparisons.aggregate_police_events(source)
        except (police.PoliceDataError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

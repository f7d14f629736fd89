import time

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from councils.models import Municipality
from situation_reports.services import police


class Command(BaseCommand):
    help = (
        "Import the police's open-data events from a file (plain or gzipped JSON) or the API "
        "address, into the municipalities that exist in Trygghet. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A path or an http(s) address.")
        parser.add_argument(
            "--municipality",
            action="append",
            dest="municipalities",
            metavar="SLUG",
            help="Only this municipality (repeatable). Default: all.",
        )

    def handle(self, source, municipalities=None, **options):
        started = time.monotonic()
        chosen = None
        if municipalities:
            chosen = list(Municipality.objects.filter(slug__in=municipalities))
            unknown = set(municipalities) - {m.slug for m in chosen}
            if unknown:
                raise CommandError(f"Unknown municipality: {', '.join(sorted(unknown))}")
        self.stdout.write(f"Reading {source} ...")
        try:
            events = police.load_events(source)
        except (police.PoliceDataError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(events)} events read; importing ...")

        def progress(done, total):
            self.stdout.write(f"  {done}/{total} events checked")
            self.stdout.flush()

        # The file holds every municipality's events: an import across municipalities.
        with scopes_disabled():
            summary = police.import_events(events, municipalities=chosen, progress=progress)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))

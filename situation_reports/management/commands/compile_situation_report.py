"""Compile one situation report by hand and print its address."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from councils.models import Municipality
from situation_reports.services import compiling
from trygghet.tenancy import municipality_scope


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Compile a situation report for a municipality (by default since the situation group's "
        "last meeting) and print its address."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="The municipality's slug.")
        parser.add_argument("--start", type=iso_date, help="First day (YYYY-MM-DD).")
        parser.add_argument("--end", type=iso_date, help="Last day (YYYY-MM-DD).")
        parser.add_argument("--days", type=int, choices=[7, 14], help="The last 7 or 14 days.")

    def handle(self, *args, municipality, start=None, end=None, days=None, **options):
        found = Municipality.objects.filter(slug=municipality).first()
        if found is None:
            raise CommandError(f"No municipality with the slug {municipality!r}.")
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is None:
            start, end = compiling.default_period(found, days=days)
        if end < start:
            raise CommandError("--end is before --start.")
        with municipality_scope(found):
            body = compiling.situation_group(found)
            report = compiling.create_report(found, start, end, body=body)
            report = compiling.compile_report(report.pk)
        self.stdout.write(settings.SITE_URL + report.get_absolute_url())

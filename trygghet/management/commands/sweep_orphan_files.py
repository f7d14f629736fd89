"""``manage.py sweep_orphan_files [--dry-run] [--grace-hours N]``: the daily sweep of stored
photos and documents that no row names (trygghet/attachments.py), run by hand."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from trygghet.attachments import ORPHAN_GRACE, sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Remove the stored photos and documents that no row names, older than the grace "
        "period (an upload whose transaction rolled back)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed; remove nothing."
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=ORPHAN_GRACE.total_seconds() / 3600,
            help="Only files older than this many hours are judged (default: %(default)s).",
        )

    def handle(self, *args, dry_run=False, grace_hours=24, **options):
        if grace_hours < 1:
            # A younger file may be an upload whose transaction is still open.
            raise CommandError("The grace period is at least one hour.")
        result = sweep_orphan_files(grace=datetime.timedelta(hours=grace_hours), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for name in result.removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{verb} {len(result.removed)} orphan file(s); {result.named} named by a row, "
            f"{result.recent} newer than {grace_hours:g} h kept."
        )

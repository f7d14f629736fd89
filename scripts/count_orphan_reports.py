"""Issue 12, point 2: how many orphan reports the on-demand compile makes on the demo data.

For each municipality's coordinator of the demo, "Compile a report now" is pressed through the
page (a POST to the report list's form) once "since the situation group's last meeting" and
once with each past meeting's own dates; an orphan is a new report that belongs to no meeting
although its period is a meeting's. Everything is rolled back at the end (no task is sent).

    DATABASE_URL=... .venv/bin/python manage.py seed_demo
    DATABASE_URL=... .venv/bin/python scripts/count_orphan_reports.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from councils.models import MunicipalityMembership  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from situation_reports.models import SituationReport  # noqa: E402
from situation_reports.services import compiling  # noqa: E402


class Rollback(Exception):
    pass


def main():
    presses = orphans = refused = 0
    try:
        with transaction.atomic():
            for coordinator in MunicipalityMembership.objects.filter(
                role="coordinator", is_active=True
            ).select_related("user", "municipality"):
                municipality = coordinator.municipality
                body = compiling.situation_group(municipality)
                if body is None:
                    continue
                client = Client(HTTP_HOST="127.0.0.1")
                client.force_login(coordinator.user)
                url = reverse(
                    "situation_reports:report-create",
                    kwargs={"municipality": municipality.slug},
                )
                asks = [{"period": "since_meeting"}]
                for meeting in Meeting.objects.filter(body=body, kind="meeting").exclude(
                    status="cancelled"
                ):
                    if compiling.meeting_period(meeting)[1] < compiling.timezone.localdate():
                        start, end = compiling.meeting_period(meeting)
                        asks.append(
                            {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
                        )
                for data in asks:
                    before = set(
                        SituationReport.objects.filter(meeting__isnull=True).values_list(
                            "pk", flat=True
                        )
                    )
                    response = client.post(url, data)
                    presses += 1
                    made = SituationReport.objects.filter(meeting__isnull=True).exclude(
                        pk__in=before
                    )
                    orphans += made.count()
                    refused += response.status_code == 400
                    if response.status_code >= 500:
                        print("error", response.status_code, data)
            raise Rollback
    except Rollback:
        pass
    print(
        f"on-demand compiles for a meeting's period: {presses}; orphan reports made: {orphans}; "
        f"refused with a message (the meeting's report is approved): {refused}"
    )


if __name__ == "__main__":
    with scopes_disabled():  # a deliberate read across the demo's municipalities
        main()

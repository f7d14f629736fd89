"""Plain builders and dates shared by the situation-report tests (the fixtures built from
them are in ``conftest.py``)."""

import datetime

from django.utils import timezone

from situation_reports.models import Incident
from tests.factories import IncidentFactory, national_category

# A 14-day period, its previous period and the same period last year.
START = datetime.date(2026, 3, 2)  # a Monday
END = datetime.date(2026, 3, 15)  # a Sunday
PREV_START, PREV_END = datetime.date(2026, 2, 16), datetime.date(2026, 3, 1)
LY_START, LY_END = datetime.date(2025, 3, 2), datetime.date(2025, 3, 15)


def category(code):
    return national_category(code)


def incident(municipality, on, code="theft", area=None, **fields):
    """An incident on the day ``on`` (no time of day) in a national category."""
    fields.setdefault("description", "Något hände")
    return IncidentFactory(
        municipality=municipality,
        occurred_on=on,
        started_at=None,
        category=code,
        area=area,
        **fields,
    )


def counted(made, municipality, start, end):
    """Independent count: the incidents of ``made`` that a report must count."""
    return [
        i
        for i in made
        if i.municipality_id == municipality.pk
        and i.status != Incident.Status.WITHDRAWN
        and start <= i.occurred_on <= end
    ]


def aware(on, hour=10):
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time(hour)))


def meeting_after(report, days=1, **fields):
    """A meeting of the report's body ``days`` after its period: its report's period is the
    report's when ``report.period_start`` is the previous meeting's day."""
    from meetings.models import Meeting

    start = aware(report.period_end + datetime.timedelta(days=days), hour=9)
    return Meeting.objects.create(
        municipality_id=report.municipality_id,
        body_id=report.body_id,
        title=fields.pop("title", "Örat mot marken"),
        start=start,
        end=start + datetime.timedelta(hours=1),
        **fields,
    )


def as_meeting_report(report):
    """Make ``report`` the report of a (new) meeting right after its period."""
    type(report).objects.filter(pk=report.pk).update(meeting=meeting_after(report))
    report.refresh_from_db()
    return report

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

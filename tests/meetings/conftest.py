import datetime

import pytest
from django.utils import timezone

from councils.models import Body, Membership
from meetings import services
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import STOCKHOLM


@pytest.fixture
def body(burlov):
    return Body.objects.create(
        municipality=burlov, name="Örat mot marken", kind=Body.Kind.SITUATION_GROUP
    )


@pytest.fixture
def other_body(burlov):
    return Body.objects.create(
        municipality=burlov, name="Strategiskt råd", kind=Body.Kind.STRATEGIC_COUNCIL
    )


@pytest.fixture
def eslov_body(eslov):
    return Body.objects.create(
        municipality=eslov, name="Örat mot marken", kind=Body.Kind.SITUATION_GROUP
    )


@pytest.fixture
def seat(body, member):
    """``member`` sits in ``body``."""
    return Membership.objects.create(body=body, user=member)


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def make_series(body):
    def _make(**fields):
        values = {
            "municipality": body.municipality,
            "body": body,
            "recurrence": MeetingSeries.Recurrence.BIWEEKLY,
            "start_date": datetime.date(2026, 1, 6),  # a Tuesday
            "start_time": datetime.time(9, 0),
            "duration_minutes": 60,
            "place": "Kommunhuset",
            "default_agenda": "Mötet öppnas\nLäget\nÖvriga frågor",
        }
        values.update(fields)
        series = MeetingSeries(**values)
        series.full_clean()
        series.save()
        return series

    return _make


@pytest.fixture
def make_meeting(body):
    def _make(start=None, hours=1, **fields):
        start = start or timezone.now() + datetime.timedelta(days=3)
        values = {
            "municipality": body.municipality,
            "body": body,
            "title": body.name,
            "start": start,
            "end": start + datetime.timedelta(hours=hours),
        }
        values.update(fields)
        meeting = Meeting.objects.create(**values)
        services.invite_members(meeting)
        return meeting

    return _make


# Incidents for the tests of how meetings and incidents meet (test_wiring.py).
from tests.situation_reports.conftest import categories, make_incident  # noqa: E402, F401

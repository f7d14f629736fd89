import datetime

import pytest
from django.utils import timezone

from councils.models import Body
from meetings import services
from meetings.recurrence import STOCKHOLM
from tests.factories import BodyFactory, MeetingFactory, MeetingSeriesFactory, MembershipFactory


@pytest.fixture
def body(burlov):
    return BodyFactory(municipality=burlov)


@pytest.fixture
def other_body(burlov):
    return BodyFactory(
        municipality=burlov, name="Strategiskt råd", kind=Body.Kind.STRATEGIC_COUNCIL
    )


@pytest.fixture
def eslov_body(eslov):
    return BodyFactory(municipality=eslov)


@pytest.fixture
def seat(body, member):
    """``member`` sits in ``body``."""
    return MembershipFactory(body=body, user=member)


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def make_series(body):
    """``make_series(**fields)``: a validated series of ``body`` (``MeetingSeriesFactory``)."""

    def _make(**fields):
        fields.setdefault("body", body)
        return MeetingSeriesFactory(**fields)

    return _make


@pytest.fixture
def make_meeting(body):
    """``make_meeting(start=None, hours=1, **fields)``: a meeting of ``body`` (in three days
    by default) with the body's members invited."""

    def _make(start=None, hours=1, **fields):
        fields.setdefault("body", body)
        meeting = MeetingFactory(
            start=start or timezone.now() + datetime.timedelta(days=3), hours=hours, **fields
        )
        services.invite_members(meeting)
        return meeting

    return _make

"""The situation-report tests' world: the police's open-data file, three areas of Burlöv, its
situation group and a hand-built set of incidents over three periods (``dataset``)."""

import datetime
import json
from pathlib import Path

import pytest

from councils.models import Membership
from situation_reports.models import Incident, UpcomingEvent
from tests.factories import AreaFactory, BodyFactory, MembershipFactory

from .report_helpers import END, LY_START, PREV_START, START, incident

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def police_events():
    return json.loads((FIXTURES / "police_events.json").read_text())


@pytest.fixture
def police_fixture_path():
    return FIXTURES / "police_events.json"


@pytest.fixture
def areas(burlov):
    return {
        name: AreaFactory(municipality=burlov, name=name) for name in ("Arlöv", "Åkarp", "Tågarp")
    }


@pytest.fixture
def situation_group(burlov, coordinator, member):
    body = BodyFactory(municipality=burlov)
    MembershipFactory(body=body, user=member)
    MembershipFactory(body=body, user=coordinator, role=Membership.Role.SECRETARY)
    return body


@pytest.fixture
def dataset(burlov, eslov, areas):
    """A hand-built set of incidents. Returns the list of every incident created (including
    ones that must not count), so tests compute expectations independently from it."""
    arlov, akarp = areas["Arlöv"], areas["Åkarp"]
    made = []
    add = made.append
    # Current period: 12 thefts in Arlöv over weekdays and parts of day.
    parts = ["night", "morning", "afternoon", "evening"]
    for i in range(12):
        add(
            incident(
                burlov,
                START + datetime.timedelta(days=i),
                "theft",
                arlov,
                part_of_day=parts[i % 4],
                place="Arlövs station" if i % 3 == 0 else "Centrumgången",
            )
        )
    # Three acts of vandalism in Åkarp, one of them high severity and open.
    for i, on in enumerate([START, START + datetime.timedelta(days=5), END]):
        add(
            incident(
                burlov,
                on,
                "vandalism",
                akarp,
                part_of_day="evening",
                place="Åkarps skola",
                severity=Incident.Severity.HIGH if i == 0 else Incident.Severity.MEDIUM,
                description="Fönster krossade",
            )
        )
    # A restricted, high-severity violence case with a place only readers may see.
    add(
        incident(
            burlov,
            START + datetime.timedelta(days=3),
            "violence",
            None,
            place="Hemliga gränd 3",
            severity=Incident.Severity.HIGH,
            confidentiality=Incident.Confidentiality.RESTRICTED,
            description="Misshandel, uppgifter om enskild",
        )
    )
    # Police open data, without part of day.
    add(incident(burlov, END, "drugs", arlov, source=Incident.Source.POLICE_OPEN_DATA))
    # Not counted: withdrawn, another municipality, outside every period.
    add(incident(burlov, START, "theft", arlov, status=Incident.Status.WITHDRAWN))
    add(incident(eslov, START, "theft"))
    add(incident(burlov, END + datetime.timedelta(days=1), "theft", arlov))
    # Previous period: ten thefts in Arlöv (one at the station, so the station recurs).
    for i in range(10):
        add(
            incident(
                burlov,
                PREV_START + datetime.timedelta(days=i),
                "theft",
                arlov,
                place="Arlövs station" if i == 0 else "",
            )
        )
    # Same period last year: two acts of vandalism in Åkarp.
    for i in range(2):
        add(incident(burlov, LY_START + datetime.timedelta(days=i), "vandalism", akarp))
    UpcomingEvent.objects.create(
        municipality=burlov,
        title="Påsklov",
        starts_on=END + datetime.timedelta(days=3),
        ends_on=END + datetime.timedelta(days=10),
        kind=UpcomingEvent.Kind.SCHOOL_BREAK,
    )
    UpcomingEvent.objects.create(
        municipality=burlov, title="Långt fram", starts_on=END + datetime.timedelta(days=60)
    )
    return made

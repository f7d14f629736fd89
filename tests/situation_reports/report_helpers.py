"""Builders shared by the situation-report tests (plain functions and fixtures; import the
fixtures you use by name)."""

import datetime

import pytest
from django.utils import timezone

from councils.models import Area, Body, Membership
from situation_reports.models import Incident, IncidentCategory, UpcomingEvent

# A 14-day period, its previous period and the same period last year.
START = datetime.date(2026, 3, 2)  # a Monday
END = datetime.date(2026, 3, 15)  # a Sunday
PREV_START, PREV_END = datetime.date(2026, 2, 16), datetime.date(2026, 3, 1)
LY_START, LY_END = datetime.date(2025, 3, 2), datetime.date(2025, 3, 15)


def category(code):
    return IncidentCategory.objects.get(code=code, municipality__isnull=True)


def incident(municipality, on, code="theft", area=None, **fields):
    fields.setdefault("description", "Något hände")
    return Incident.objects.create(
        municipality=municipality, occurred_on=on, category=category(code), area=area, **fields
    )


@pytest.fixture
def areas(burlov):
    return {
        name: Area.objects.create(municipality=burlov, name=name)
        for name in ("Arlöv", "Åkarp", "Tågarp")
    }


@pytest.fixture
def situation_group(burlov, coordinator, member):
    body = Body.objects.create(
        municipality=burlov, name="Örat mot marken", kind=Body.Kind.SITUATION_GROUP
    )
    Membership.objects.create(body=body, user=member, role=Membership.Role.MEMBER)
    Membership.objects.create(body=body, user=coordinator, role=Membership.Role.SECRETARY)
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

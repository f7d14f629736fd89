import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from situation_reports.models import UpcomingEvent
from situation_reports.upcoming import generate_calendar, school_breaks
from trygghet.holidays import public_holidays

pytestmark = pytest.mark.django_db


def test_it_takes_the_public_holidays_from_the_holidays_library():
    days = dict(public_holidays(2027))
    assert days[datetime.date(2027, 6, 6)] == "Nationaldagen"
    assert days[datetime.date(2027, 3, 26)] == "Långfredagen"  # Easter moves: not a table
    assert days[datetime.date(2027, 6, 25)] == "Midsommarafton"
    assert days[datetime.date(2027, 4, 30)] == "Valborgsmässoafton"
    assert not any(d.weekday() == 6 and name == "Söndag" for d, name in days.items())


def test_it_derives_the_school_breaks_by_the_skane_rule():
    breaks = {title: (first, last) for title, first, last in school_breaks(2027)}
    assert breaks["Sportlov"] == (datetime.date(2027, 2, 15), datetime.date(2027, 2, 19))
    assert breaks["Påsklov"] == (datetime.date(2027, 3, 29), datetime.date(2027, 4, 2))
    assert breaks["Höstlov"] == (datetime.date(2027, 11, 1), datetime.date(2027, 11, 5))
    first, last = breaks["Jullov"]
    assert first == datetime.date(2027, 12, 18)  # the Saturday before Christmas Eve (a Friday)
    assert last == datetime.date(2028, 1, 9)  # the Sunday before school starts after 6 January


def test_generating_twice_adds_nothing(burlov):
    created = generate_calendar(burlov, 2027)
    assert created == UpcomingEvent.objects.count() > 15
    assert generate_calendar(burlov, 2027) == 0


def test_the_command_generates_for_a_municipality_and_a_year(burlov):
    out = StringIO()
    call_command(
        "generate_upcoming_events", "--municipality", "burlov", "--year", "2027", stdout=out
    )
    assert UpcomingEvent.objects.filter(kind="school_break", municipality=burlov).count() == 4
    assert "added" in out.getvalue()


def test_a_coordinator_adds_an_event_and_bad_dates_are_refused(login, coordinator, arlov):
    client = login(coordinator)
    address = reverse("situation_reports:upcoming-create", kwargs={"municipality": "burlov"})
    bad = client.post(
        address,
        {"title": "Derby", "kind": "match", "starts_on": "2027-05-02", "ends_on": "2027-05-01"},
    )
    assert bad.status_code == 200
    assert "ends_on" in bad.context["form"].errors
    good = client.post(
        address,
        {
            "title": "Derby",
            "kind": "match",
            "starts_on": "2027-05-02",
            "area": arlov.pk,
            "expected_effect": "Många supportrar vid stationen.",
        },
    )
    assert good.status_code == 302
    assert UpcomingEvent.objects.get().area == arlov


def test_the_generate_button_works_for_a_coordinator(login, coordinator, burlov):
    address = reverse("situation_reports:upcoming-generate", kwargs={"municipality": "burlov"})
    assert login(coordinator).post(address, {"year": "2027"}).status_code == 302
    assert UpcomingEvent.objects.filter(municipality=burlov).exists()


def test_a_coordinator_removes_an_event_and_an_outsider_cannot(
    login, coordinator, outsider, burlov
):
    generate_calendar(burlov, 2027)
    event = UpcomingEvent.objects.first()
    address = reverse(
        "situation_reports:upcoming-delete", kwargs={"municipality": "eslov", "pk": event.pk}
    )
    assert login(outsider).post(address).status_code == 404
    address = reverse(
        "situation_reports:upcoming-delete", kwargs={"municipality": "burlov", "pk": event.pk}
    )
    assert login(coordinator).post(address).status_code == 302
    assert not UpcomingEvent.objects.filter(pk=event.pk).exists()

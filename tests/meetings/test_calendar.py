import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from councils.models import Membership
from meetings import services
from meetings.models import CalendarToken

from .conftest import local

pytestmark = pytest.mark.django_db


def events(content):
    cal = Calendar.from_ical(content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}, cal


@pytest.fixture
def meeting(make_meeting, seat):
    from django.utils import timezone

    start = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    return make_meeting(start=start, place="Kommunhuset")


def feed_url(body):
    return reverse("meetings:body-feed", kwargs={"municipality": "burlov", "pk": body.pk})


def test_the_body_feed_parses_with_stable_uids_and_stockholm_time(login, member, meeting):
    client = login(member)
    response = client.get(feed_url(meeting.body))
    assert response["Content-Type"].startswith("text/calendar")
    found, cal = events(response.content)
    uid = f"meeting-{meeting.pk}@localhost"
    event = found[uid]
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTSTART") == meeting.start
    assert str(event["URL"]).endswith(meeting.get_absolute_url())
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Stockholm"
    # Same UID on the next fetch.
    again, _ = events(client.get(feed_url(meeting.body)).content)
    assert uid in again


def test_a_changed_meeting_gets_a_higher_sequence_and_a_cancelled_one_is_sent_cancelled(
    login, member, meeting
):
    client = login(member)
    uid = f"meeting-{meeting.pk}@localhost"
    before = int(events(client.get(feed_url(meeting.body)).content)[0][uid]["SEQUENCE"])
    meeting.start += datetime.timedelta(hours=1)
    meeting.end += datetime.timedelta(hours=1)
    services.update_meeting(meeting, ["start", "end"])
    moved = events(client.get(feed_url(meeting.body)).content)[0][uid]
    assert int(moved["SEQUENCE"]) > before
    services.cancel_meeting(meeting)
    cancelled = events(client.get(feed_url(meeting.body)).content)[0][uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(moved["SEQUENCE"])


def test_a_dst_meeting_keeps_its_local_time_in_the_feed(make_series, login, member, seat):
    series = make_series(recurrence="weekly", start_date=datetime.date(2026, 3, 24))
    services.generate_meetings(weeks=2, now=local(2026, 3, 23), series=[series])
    from meetings.ical import build_calendar
    from meetings.views.calendars import feed_window  # noqa: F401  (the feed shows half a year back)

    found, _ = events(build_calendar(series.meetings.order_by("start"), "x"))
    hours = sorted((e.decoded("DTSTART").hour, e.decoded("DTSTART").day) for e in found.values())
    assert hours == [(9, 24), (9, 31)]


def test_the_feed_of_someone_elses_body_is_404(login, company_partner, meeting):
    client = login(company_partner)
    assert client.get(feed_url(meeting.body)).status_code == 404


def test_the_personal_feed_works_without_login_and_stops_when_renewed(client, member, meeting):
    token = services.create_calendar_token(member)
    url = reverse("meetings_public:calendar-feed", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert f"meeting-{meeting.pk}@localhost" in events(response.content)[0]
    assert not CalendarToken.objects.filter(token_hash=token).exists()  # stored hashed
    services.create_calendar_token(member)
    assert client.get(url).status_code == 404


def test_the_personal_feed_follows_the_persons_current_access(client, member, seat, meeting):
    token = services.create_calendar_token(member)
    url = reverse("meetings_public:calendar-feed", kwargs={"token": token})
    meeting.attendances.filter(user=member).delete()
    Membership.objects.filter(pk=seat.pk).delete()
    assert f"meeting-{meeting.pk}@localhost" not in events(client.get(url).content)[0]


def test_a_body_token_feed_shows_only_that_body(
    client, coordinator, meeting, make_meeting, other_body
):
    other = make_meeting(body=other_body, title="Strategiskt råd")
    token = services.create_calendar_token(coordinator, meeting.body)
    url = reverse("meetings_public:calendar-feed", kwargs={"token": token})
    found = events(client.get(url).content)[0]
    assert f"meeting-{meeting.pk}@localhost" in found
    assert f"meeting-{other.pk}@localhost" not in found


def test_the_calendar_page_makes_an_address_once(login, member, seat):
    client = login(member)
    response = client.post(reverse("meetings:calendar", kwargs={"municipality": "burlov"}))
    assert "/calendar/" in response.context["new_url"]
    assert CalendarToken.objects.filter(user=member, revoked_at__isnull=True).count() == 1
    assert (
        client.get(reverse("meetings:calendar", kwargs={"municipality": "burlov"})).context[
            "new_url"
        ]
        is None
    )

"""Management pages: attendance, action items, moving and cancelling, series."""

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Attendance, Meeting, MeetingSeries

from .conftest import local

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"municipality": "burlov", **kwargs})


def test_the_coordinator_records_attendance_and_adds_a_guest(
    login, coordinator, seat, make_meeting
):
    meeting = make_meeting()
    row = meeting.attendances.get(user=seat.user)
    client = login(coordinator)
    client.post(url("attendance", pk=meeting.pk), {f"status-{row.pk}": "apologies"})
    row.refresh_from_db()
    assert row.status == Attendance.Status.APOLOGIES
    client.post(
        url("attendance", pk=meeting.pk),
        {
            "add_guest": "1",
            "guest-name": "Lina Persson",
            "guest-organisation_name": "Funktionsrätt Eslöv",
            "guest-status": "present",
        },
    )
    assert meeting.attendances.filter(role="guest", name="Lina Persson").exists()


def test_a_bad_attendance_value_saves_nothing(login, coordinator, seat, make_meeting):
    meeting = make_meeting()
    row = meeting.attendances.get(user=seat.user)
    response = login(coordinator).post(
        url("attendance", pk=meeting.pk), {f"status-{row.pk}": "asleep"}, follow=True
    )
    assert "Välj en giltig närvaro för alla." in response.content.decode()
    row.refresh_from_db()
    assert row.status == Attendance.Status.INVITED


def test_attendance_of_approved_minutes_cannot_change(login, coordinator, seat, make_meeting):
    meeting = make_meeting()
    services.mark_held(meeting)
    services.approve_minutes(meeting, coordinator)
    row = meeting.attendances.get(user=seat.user)
    login(coordinator).post(url("attendance", pk=meeting.pk), {f"status-{row.pk}": "absent"})
    row.refresh_from_db()
    assert row.status == Attendance.Status.INVITED


def test_moving_a_meeting_in_the_page_marks_it_moved_and_raises_its_sequence(
    login, coordinator, make_series
):
    series = make_series()
    services.generate_meetings(weeks=2, now=local(2026, 1, 1))
    meeting = series.meetings.get()
    client = login(coordinator)
    response = client.post(
        url("meeting-edit", pk=meeting.pk),
        {
            "kind": "meeting",
            "title": meeting.title,
            "start": "2026-01-07T13:00",
            "end": "2026-01-07T14:00",
            "place": "Stadshuset",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_moved and meeting.sequence == 1
    assert meeting.start == local(2026, 1, 7, 13)
    assert meeting.holiday_name == ""


def test_cancelling_in_the_page(login, coordinator, make_meeting):
    meeting = make_meeting()
    login(coordinator).post(url("meeting-cancel", pk=meeting.pk), {"reason": "Krock"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.cancel_reason == "Krock"


def test_an_action_item_is_closed_from_the_list(login, coordinator, make_meeting):
    meeting = make_meeting()
    action = services.add_action_item(meeting, what="Ring", owner=coordinator)
    login(coordinator).post(url("action-status", pk=action.pk), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.closed_at is not None


def test_a_series_is_created_in_the_page_and_plans_its_meetings(login, coordinator, body):
    client = login(coordinator)
    start = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(
        url("series-create"),
        {
            "body": body.pk,
            "kind": "meeting",
            "recurrence": "weekly",
            "start_date": start.isoformat(),
            "start_time": "09:00",
            "duration_minutes": 60,
            "is_active": "on",
            "default_agenda": "Läget",
        },
    )
    series = MeetingSeries.objects.get()
    assert response.status_code == 302
    assert series.meetings.count() == 8
    # The series' own item; sources of other apps (new incidents) may add theirs.
    items = series.meetings.first().agenda_items.exclude(
        source_key__regex=r"^(incidents|upcoming):"
    )
    assert items.get().title == "Läget"


def test_a_body_of_another_municipality_cannot_be_chosen(login, coordinator, eslov_body):
    response = login(coordinator).post(
        url("series-create"),
        {
            "body": eslov_body.pk,
            "kind": "meeting",
            "recurrence": "weekly",
            "start_date": "2026-01-06",
            "start_time": "09:00",
            "duration_minutes": 60,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not MeetingSeries.objects.exists()


@pytest.mark.parametrize(
    "next_url",
    ["import", "2147483648", "/burlov/meetings/actions/\r\nSet-Cookie: x=1", "//evil.example/"],
)
def test_the_action_list_comes_back_whatever_address_is_posted_as_next(
    login, coordinator, make_meeting, next_url
):
    """Issue #10 (found by tests/trygghet/test_fuzz_forms.py): a ``next`` that is not a path
    of this site (a word, a number, a line break, another host) answered 500 or led away."""
    meeting = make_meeting()
    action = services.add_action_item(meeting, what="Ring", owner=coordinator)
    response = login(coordinator).post(
        url("action-status", pk=action.pk), {"status": "done", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == url("action-list")
    action.refresh_from_db()
    assert action.status == "done"


def test_the_action_list_keeps_its_filter_after_a_status_change(login, coordinator, make_meeting):
    meeting = make_meeting()
    action = services.add_action_item(meeting, what="Ring", owner=coordinator)
    back = url("action-list") + "?status=open&mine=1"
    response = login(coordinator).post(
        url("action-status", pk=action.pk), {"status": "done", "next": back}
    )
    assert response["Location"] == back

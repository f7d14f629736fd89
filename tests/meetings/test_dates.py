"""Every date the meetings app accepts lies between 2000 and 2100 (issue 10, finding 2).

A meeting starting in year 0001 used to be accepted: PostgreSQL stored a BC timestamp that
psycopg cannot read back, and the start page, the meeting list, the body page and the series
page answered 500 for everyone in the municipality. The forms refuse such dates now, and check
constraints in the database refuse them whatever the path.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from meetings import services
from meetings.forms import (
    ActionItemForm,
    MeetingForm,
    ObservationActionForm,
    SeriesForm,
)
from meetings.models import ActionItem, Meeting, MeetingSeries
from meetings.recurrence import STOCKHOLM

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime.datetime(1, 1, 1, 0, 30, tzinfo=STOCKHOLM)  # 1 BC in UTC


def pages(body, series=None):
    """The pages that answered 500 for everyone; the series page is for coordinators."""
    urls = [
        reverse("dashboard", kwargs={"municipality": "burlov"}),
        reverse("meetings:meeting-list", kwargs={"municipality": "burlov"}),
        reverse("councils:body-detail", kwargs={"municipality": "burlov", "pk": body.pk}),
        reverse("meetings:series-list", kwargs={"municipality": "burlov"}),
    ]
    if series is not None:
        urls.append(
            reverse("meetings:series-detail", kwargs={"municipality": "burlov", "pk": series.pk})
        )
    return urls


def test_a_meeting_in_year_one_cannot_be_stored_and_the_pages_stay_up(
    client, coordinator, seat, body, make_series
):
    series = make_series(start_date=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        # The old way in: the form accepted it and saved it like this.
        Meeting.objects.create(
            municipality=body.municipality,
            body=body,
            series=series,
            title="Year one",
            start=YEAR_ONE,
            end=timezone.now() + datetime.timedelta(days=3),
        )
    client.force_login(coordinator)
    for url in pages(body, series):
        assert client.get(url).status_code == 200, url
    client.force_login(seat.user)
    for url in pages(body):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "start, end",
    [
        ("0001-01-01T00:30", "2026-06-01T10:00"),
        ("1999-12-31T09:00", "1999-12-31T10:00"),
        ("2101-01-01T09:00", "2101-01-01T10:00"),
        ("2026-06-01T09:00", "9999-12-31T23:59"),
    ],
)
def test_the_meeting_form_refuses_a_start_or_end_outside_2000_to_2100(body, burlov, start, end):
    data = {"body": body.pk, "kind": "meeting", "title": "Möte", "start": start, "end": end}
    with translation.override("en"):
        form = MeetingForm(data=data, municipality=burlov)
        assert not form.is_valid()
        errors = " ".join(form.errors.get("start", []) + form.errors.get("end", []))
    assert "between 2000-01-01 and 2100-12-31" in errors


def test_the_meeting_page_refuses_year_one_in_swedish_and_saves_nothing(login, coordinator, body):
    response = login(coordinator).post(
        reverse("meetings:meeting-create", kwargs={"municipality": "burlov"}),
        {
            "body": body.pk,
            "kind": "safety_walk",
            "title": "Trygghetsvandring",
            "start": "0001-01-01T00:30",
            "end": "2026-06-01T10:00",
        },
    )
    assert response.status_code == 200
    assert "Ange ett datum mellan 2000-01-01 och 2100-12-31" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"end_date": "2101-01-01"}, "end_date"),
        ({"recurrence": "rrule", "rrule": "FREQ=WEEKLY;UNTIL=21500101"}, "rrule"),
    ],
)
def test_the_series_form_refuses_dates_outside_2000_to_2100(body, burlov, changes, field):
    data = {
        "body": body.pk,
        "kind": "meeting",
        "recurrence": "weekly",
        "start_date": "2026-01-06",
        "start_time": "09:00",
        "duration_minutes": 60,
        "is_active": "on",
        **changes,
    }
    with translation.override("en"):
        form = SeriesForm(data=data, municipality=burlov)
        assert not form.is_valid()
        message = " ".join(form.errors[field])
        assert "between 2000" in message and "2100" in message
    assert not MeetingSeries.objects.exists()


def test_action_item_due_dates_lie_between_2000_and_2100(make_meeting, coordinator, burlov):
    meeting = make_meeting()
    form = ActionItemForm(
        data={"what": "Ring", "owner": coordinator.pk, "due_date": "0001-01-01"}, meeting=meeting
    )
    assert not form.is_valid() and "due_date" in form.errors
    walk_form = ObservationActionForm(data={"due_date": "2101-01-01"}, municipality=burlov)
    assert not walk_form.is_valid() and "due_date" in walk_form.errors


@pytest.mark.parametrize(
    "table, column, value",
    [
        ("meetings_meetingseries", "start_date", "0001-01-01"),
        ("meetings_meetingseries", "end_date", "2101-01-01"),
        ("meetings_meeting", "start", "0001-01-01 00:30+01"),
        ("meetings_meeting", "end", "9999-12-31 23:00+01"),
        ("meetings_meeting", "occurrence_start", "1999-12-31 09:00+01"),
        ("meetings_actionitem", "due_date", "1900-01-01"),
        ("meetings_sharelink", "expires_at", "2999-01-01 00:00+01"),
    ],
)
def test_the_database_refuses_dates_outside_2000_to_2100(
    make_series, coordinator, table, column, value
):
    series = make_series()
    services.generate_meetings(weeks=2, now=datetime.datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    meeting = series.meetings.first()
    action = services.add_action_item(meeting, what="Ring", owner=coordinator)
    link, _token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=3),
        meeting=meeting,
    )
    row_id = {
        "meetings_meetingseries": series.pk,
        "meetings_meeting": meeting.pk,
        "meetings_actionitem": action.pk,
        "meetings_sharelink": link.pk,
    }[table]
    # End after start, so only the range check can refuse it.
    extra = ', "start" = %s' if (table, column) == ("meetings_meeting", "end") else ""
    params = [value, "2026-01-01 09:00+01"] if extra else [value]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "{column}" = %s{extra} WHERE id = %s', [*params, row_id]
        )
    assert ActionItem.objects.filter(pk=action.pk).exists()


def test_the_migration_names_rows_stored_before_the_bounds_instead_of_failing_bare(
    make_series, coordinator
):
    """Migration 0003 checks before it adds the constraints: an installation that stored such
    dates (the old form let them through) is told which rows to correct."""
    from django.apps import apps

    from trygghet.limits import refuse_stored_dates_out_of_range

    series = make_series()
    services.generate_meetings(weeks=4, now=datetime.datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    bad = series.meetings.order_by("start").first()
    with connection.cursor() as cursor:  # as the old form stored it
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # so the table can be altered
        cursor.execute("ALTER TABLE meetings_meeting DROP CONSTRAINT meeting_start_in_range")
        cursor.execute(
            "UPDATE meetings_meeting SET start = '0001-01-01 00:30+01' WHERE id = %s", [bad.pk]
        )
    with pytest.raises(RuntimeError, match=rf"meetings_meeting\.start \(ids \[{bad.pk}\]\)"):
        refuse_stored_dates_out_of_range("meetings")(apps, None)

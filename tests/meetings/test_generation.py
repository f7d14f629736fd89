import datetime

import pytest
from django.core.management import call_command

from meetings import services
from meetings.forms import SeriesForm
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import STOCKHOLM
from tests.helpers import run_at_once
from trygghet.tenancy import municipality_scope

from .conftest import local

pytestmark = pytest.mark.django_db


def test_it_creates_the_meetings_of_a_series_once_when_run_twice(make_series):
    series = make_series()
    now = local(2026, 1, 1)
    first = services.generate_meetings(weeks=8, now=now)
    second = services.generate_meetings(weeks=8, now=now)
    assert len(first) == 4  # 6 Jan, 20 Jan, 3 Feb, 17 Feb
    assert second == []
    assert series.meetings.count() == 4
    assert [m.start for m in series.meetings.order_by("start")] == [
        local(2026, 1, 6),
        local(2026, 1, 20),
        local(2026, 2, 3),
        local(2026, 2, 17),
    ]


def test_it_keeps_nine_oclock_across_the_daylight_saving_change(make_series):
    # Sweden moves to summer time on Sunday 29 March 2026.
    series = make_series(
        recurrence=MeetingSeries.Recurrence.WEEKLY, start_date=datetime.date(2026, 3, 17)
    )
    services.generate_meetings(weeks=3, now=local(2026, 3, 16))
    starts = [m.start for m in series.meetings.order_by("start")]
    assert [s.astimezone(STOCKHOLM).hour for s in starts] == [9, 9, 9]
    # ... which is 08:00 UTC in winter and 07:00 UTC in summer.
    assert [s.astimezone(datetime.UTC).hour for s in starts] == [8, 8, 7]
    # And back again in autumn (25 October 2026).
    autumn = make_series(
        recurrence=MeetingSeries.Recurrence.WEEKLY,
        start_date=datetime.date(2026, 10, 20),
        title="Höst",
    )
    services.generate_meetings(weeks=2, now=local(2026, 10, 19), series=[autumn])
    assert [m.start.astimezone(STOCKHOLM).hour for m in autumn.meetings.all()] == [9, 9]


def test_a_moved_meeting_stays_moved_and_a_cancelled_one_stays_cancelled(make_series):
    series = make_series()
    now = local(2026, 1, 1)
    services.generate_meetings(weeks=8, now=now)
    moved, cancelled = series.meetings.order_by("start")[:2]
    moved.start, moved.end = local(2026, 1, 8, 13), local(2026, 1, 8, 14)
    services.update_meeting(moved, ["start", "end"])
    services.cancel_meeting(cancelled, "Krockar med budgetmöte")

    assert services.generate_meetings(weeks=8, now=now) == []
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    assert moved.start == local(2026, 1, 8, 13) and moved.is_moved
    assert cancelled.status == Meeting.Status.CANCELLED
    assert series.meetings.count() == 4


def test_it_flags_a_meeting_on_a_swedish_public_holiday(make_series):
    # Epiphany (trettondedag jul) is Tuesday 6 January 2026.
    series = make_series()
    services.generate_meetings(weeks=3, now=local(2026, 1, 1))
    flagged = series.meetings.order_by("start").first()
    assert flagged.holiday_name == "Trettondedag jul"
    assert series.meetings.exclude(pk=flagged.pk).filter(holiday_name="").count() == 1


def test_a_monthly_series_meets_on_the_first_tuesday(make_series):
    series = make_series(
        recurrence=MeetingSeries.Recurrence.MONTHLY_WEEKDAY,
        weekday=1,
        week_of_month=1,
        start_time=datetime.time(15, 0),
        start_date=datetime.date(2026, 1, 1),
    )
    services.generate_meetings(weeks=13, now=local(2026, 1, 1))
    assert [m.start.date() for m in series.meetings.all()] == [
        datetime.date(2026, 1, 6),
        datetime.date(2026, 2, 3),
        datetime.date(2026, 3, 3),
    ]


def test_an_rrule_series_follows_its_rule(make_series):
    series = make_series(
        recurrence=MeetingSeries.Recurrence.RRULE,
        rrule="FREQ=WEEKLY;INTERVAL=3;BYDAY=WE",
        start_date=datetime.date(2026, 1, 7),
    )
    services.generate_meetings(weeks=7, now=local(2026, 1, 1))
    assert [m.start.date() for m in series.meetings.all()] == [
        datetime.date(2026, 1, 7),
        datetime.date(2026, 1, 28),
        datetime.date(2026, 2, 18),
    ]


def test_new_meetings_invite_the_members_and_start_with_the_default_agenda(make_series, seat):
    series = make_series()
    services.generate_meetings(weeks=2, now=local(2026, 1, 1))
    meeting = series.meetings.get()
    assert list(meeting.attendances.values_list("user", flat=True)) == [seat.user_id]
    # The series' default items (sources of other apps, such as new incidents, come after).
    own = meeting.agenda_items.exclude(source_key__regex=r"^(incidents|upcoming):")
    assert list(own.values_list("title", flat=True)) == [
        "Mötet öppnas",
        "Läget",
        "Övriga frågor",
    ]


def test_the_command_generates_for_the_given_weeks(make_series, capsys):
    series = make_series(start_date=datetime.date.today() - datetime.timedelta(days=1))
    call_command("generate_meetings", "--weeks", "4")
    created = series.meetings.count()
    assert created in (2, 3)
    call_command("generate_meetings", "--weeks", "4")
    assert series.meetings.count() == created
    assert "0 meetings created" in capsys.readouterr().out


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"recurrence": "rrule", "rrule": "FREQ=SOMETIMES"}, "rrule", "not a valid iCalendar rule"),
        ({"recurrence": "rrule", "rrule": "BYDAY=MO"}, "rrule", "how often"),
        ({"recurrence": "rrule", "rrule": "FREQ=HOURLY"}, "rrule", "at most once a day"),
        ({"recurrence": "monthly_weekday"}, "weekday", "needs a weekday"),
        ({"end_date": "2025-01-01"}, "end_date", "cannot be before"),
    ],
)
def test_the_series_form_refuses_bad_rules_and_saves_nothing(body, burlov, changes, field, message):
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
    with __import__("django").utils.translation.override("en"):
        form = SeriesForm(data=data, municipality=burlov)
        assert not form.is_valid()
        assert message in " ".join(form.errors[field])
    assert MeetingSeries.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_generations_at_once_create_each_meeting_once(make_series):
    series = make_series(recurrence=MeetingSeries.Recurrence.WEEKLY)
    now = local(2026, 1, 1)

    def run():
        # A thread starts with no scope: it works in the series' municipality, as the task.
        with municipality_scope(series.municipality_id):
            return len(services.generate_meetings(weeks=8, now=now))

    results = run_at_once(run)
    assert series.meetings.count() == 8
    assert sum(results) == 8
    assert Meeting.objects.values("occurrence_start").distinct().count() == 8


def test_the_database_refuses_a_second_meeting_for_the_same_occurrence(make_series):
    from django.db import IntegrityError, transaction

    series = make_series()
    services.generate_meetings(weeks=1, now=local(2026, 1, 5))
    original = series.meetings.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            municipality=original.municipality,
            body=original.body,
            series=series,
            occurrence_start=original.occurrence_start,
            title="Dubblett",
            start=original.start,
            end=original.end,
        )


def test_editing_a_series_moves_its_untouched_meetings_but_not_the_ones_changed_by_hand(
    make_series,
):
    series = make_series(recurrence=MeetingSeries.Recurrence.WEEKLY)
    now = local(2026, 1, 1)
    services.generate_meetings(weeks=4, now=now)
    first, second, third, fourth = series.meetings.order_by("start")
    second.start, second.end = local(2026, 1, 14, 13), local(2026, 1, 14, 14)
    services.update_meeting(second, ["start", "end"])
    services.publish_agenda(third, notify=False)
    sequence = first.sequence

    series.start_time = datetime.time(10, 30)
    series.place = "Stadshuset"
    series.save()
    updated, cancelled, created = services.apply_series_change(series, weeks=4, now=now)

    assert (updated, cancelled, created) == (2, 0, 0)
    for meeting in (first, second, third, fourth):
        meeting.refresh_from_db()
    assert first.start == local(2026, 1, 6, 10, 30) and first.place == "Stadshuset"
    assert first.sequence > sequence and not first.is_moved
    assert second.start == local(2026, 1, 14, 13)  # moved by hand: stays
    assert third.start == local(2026, 1, 20, 9)  # published agenda: left alone
    assert fourth.start == local(2026, 1, 27, 10, 30)
    assert services.generate_meetings(weeks=4, now=now) == []


def test_a_new_weekday_cancels_the_old_dates_and_plans_the_new_ones(make_series):
    series = make_series(recurrence=MeetingSeries.Recurrence.WEEKLY)
    now = local(2026, 1, 1)
    services.generate_meetings(weeks=2, now=now)
    series.start_date = datetime.date(2026, 1, 8)  # Thursdays from now on
    series.save()
    updated, cancelled, created = services.apply_series_change(series, weeks=2, now=now)
    # Two weeks from 1 January 09:00: Thursday 8 January only (the 15th at 09:00 is the end).
    assert (updated, cancelled, created) == (0, 2, 1)
    assert [m.start.date().isoformat() for m in series.meetings.exclude(status="cancelled")] == [
        "2026-01-08"
    ]

"""A series shows its rule in words in the reader's language (issue 12, point 11), not the raw
FREQ=WEEKLY;INTERVAL=4;BYDAY=TH; plurals follow the count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.models import MeetingSeries
from meetings.recurrence import describe

R = MeetingSeries.Recurrence


def series(recurrence=R.RRULE, rule="", **fields):
    fields.setdefault("start_date", datetime.date(2026, 1, 8))  # a Thursday
    fields.setdefault("start_time", datetime.time(9, 0))
    return MeetingSeries(recurrence=recurrence, rrule=rule, **fields)


CASES = [
    (
        series(rule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TH"),
        "var fjärde torsdag 09:00",
        "every fourth Thursday 09:00",
    ),
    (series(R.WEEKLY), "varje torsdag 09:00", "every Thursday 09:00"),
    (series(R.BIWEEKLY), "varannan torsdag 09:00", "every other Thursday 09:00"),
    (
        series(R.MONTHLY_WEEKDAY, weekday=1, week_of_month=1),
        "första tisdagen i varje månad 09:00",
        "the first Tuesday of every month 09:00",
    ),
    (
        series(R.MONTHLY_WEEKDAY, weekday=4, week_of_month=-1),
        "sista fredagen i varje månad 09:00",
        "the last Friday of every month 09:00",
    ),
    (
        series(rule="FREQ=MONTHLY;BYDAY=WE;BYSETPOS=2"),
        "andra onsdagen i varje månad 09:00",
        "the second Wednesday of every month 09:00",
    ),
    (
        series(rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"),
        "sista fredagen var tredje månad 09:00",
        "the last Friday of every third month 09:00",
    ),
    (
        series(rule="FREQ=MONTHLY;BYMONTHDAY=15"),
        "den 15 varje månad 09:00",
        "on day 15 of every month 09:00",
    ),
    (
        series(rule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5"),
        "varje tisdag och torsdag 09:00, 5 gånger",
        "every Tuesday and Thursday 09:00, 5 times",
    ),
    (
        series(rule="FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=1"),
        "varje måndag, onsdag och fredag 09:00, 1 gång",
        "every Monday, Wednesday and Friday 09:00, 1 time",
    ),
    (
        series(rule="FREQ=WEEKLY;INTERVAL=20;BYDAY=MO"),
        "måndag var 20:e vecka 09:00",
        "every 20 weeks on Monday 09:00",
    ),
    (
        series(rule="FREQ=DAILY;INTERVAL=3;UNTIL=20270101"),
        "var tredje dag 09:00 till och med 2027-01-01",
        "every third day 09:00 until 2027-01-01",
    ),
    (
        series(rule="FREQ=WEEKLY;BYDAY=TH;BYHOUR=14;BYMINUTE=30"),
        "varje torsdag 14:30",
        "every Thursday 14:30",
    ),
    (
        series(R.AS_DECIDED),
        "efter beslut (inga automatiska möten)",
        "as decided (no automatic meetings)",
    ),
]


@pytest.mark.parametrize(("one", "swedish", "english"), CASES)
def test_the_rule_reads_as_words_in_the_readers_language(one, swedish, english):
    with translation.override("sv"):
        assert describe(one) == swedish
    with translation.override("en"):
        assert describe(one) == english


@pytest.mark.parametrize(
    "rule",
    ["FREQ=YEARLY;BYMONTH=3", "FREQ=MONTHLY;BYMONTH=1,7;BYDAY=1TU", "FREQ=WEEKLY;BYWEEKNO=10"],
)
def test_a_rule_without_words_gives_none(rule):
    assert describe(series(rule=rule)) is None


def test_a_broken_rule_gives_none_not_an_error():
    assert describe(series(rule="FREQ=WEEKLY;INTERVAL=0")) is None


def test_without_the_time():
    with translation.override("sv"):
        assert describe(series(R.WEEKLY), with_time=False) == "varje torsdag"


def test_the_series_pages_say_the_rule_in_words(login, coordinator, make_series):
    one = make_series(
        recurrence=R.RRULE,
        rrule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TH",
        start_date=datetime.date(2026, 1, 8),
    )
    client = login(coordinator)
    kwargs = {"municipality": "burlov"}
    listing = client.get(reverse("meetings:series-list", kwargs=kwargs)).content.decode()
    assert "Var fjärde torsdag" in listing
    assert "FREQ=" not in listing
    detail = client.get(
        reverse("meetings:series-detail", kwargs={**kwargs, "pk": one.pk})
    ).content.decode()
    assert "Var fjärde torsdag" in detail
    english = client.get(
        reverse("meetings:series-detail", kwargs={**kwargs, "pk": one.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Every fourth Thursday" in english


def test_the_body_panel_has_no_space_before_the_comma(login, coordinator, make_series, body):
    make_series(recurrence=R.WEEKLY, place="Kommunhuset")
    page = login(coordinator).get(body.get_absolute_url()).content.decode()
    assert "Varje tisdag 09:00, Kommunhuset" in page
    assert " ," not in page


@pytest.mark.parametrize(
    ("count", "text"), [(1, "1 nytt möte är planerat."), (2, "2 nya möten är planerade.")]
)
def test_planning_now_says_the_count_in_the_right_number(
    login, coordinator, make_series, count, text, monkeypatch
):
    from meetings import services

    one = make_series()
    monkeypatch.setattr(services, "generate_meetings", lambda series: [object()] * count)
    response = login(coordinator).post(
        reverse("meetings:series-generate", kwargs={"municipality": "burlov", "pk": one.pk}),
        follow=True,
    )
    assert text in response.content.decode()

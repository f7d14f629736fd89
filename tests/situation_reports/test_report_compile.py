"""The compile service: every number equals one computed independently here, in a constant
number of queries, frozen into the report."""

import datetime
from collections import Counter

import pytest

from meetings.models import Observation
from situation_reports.models import Incident, SituationReport
from situation_reports.services import compiling, figures

from .report_helpers import END, LY_END, LY_START, PREV_END, PREV_START, START, counted, incident

pytestmark = pytest.mark.django_db


def by(items, key):
    return Counter(key(i) for i in items)


def test_it_counts_totals_against_the_previous_period_and_last_year(burlov, dataset):
    data = figures.compute(burlov, START, END)
    current = counted(dataset, burlov, START, END)
    previous = counted(dataset, burlov, PREV_START, PREV_END)
    last_year = counted(dataset, burlov, LY_START, LY_END)
    totals = data["totals"]
    assert totals["current"] == len(current) == 17
    assert totals["previous"] == len(previous) == 10
    assert totals["last_year"] == len(last_year) == 2
    assert totals["current_restricted"] == sum(i.is_restricted for i in current) == 1
    assert totals["high"] == sum(i.severity == Incident.Severity.HIGH for i in current)
    assert totals["vs_previous"] == {
        "diff": len(current) - len(previous),
        "percent": round(100 * (len(current) - len(previous)) / len(previous)),
    }
    # A base of 2 is too small for a percentage: the change is a number only.
    assert totals["vs_last_year"] == {"diff": len(current) - len(last_year), "percent": None}
    assert data["period"] == {"start": "2026-03-02", "end": "2026-03-15", "days": 14}
    assert data["previous"] == {"start": "2026-02-16", "end": "2026-03-01"}
    assert data["last_year"] == {"start": "2025-03-02", "end": "2025-03-15"}


def test_it_counts_by_category_and_by_area(burlov, dataset, areas):
    data = figures.compute(burlov, START, END)
    periods = {
        "current": counted(dataset, burlov, START, END),
        "previous": counted(dataset, burlov, PREV_START, PREV_END),
        "last_year": counted(dataset, burlov, LY_START, LY_END),
    }
    for table, key in (("categories", lambda i: i.category_id), ("areas", lambda i: i.area_id)):
        rows = {r["key"]: r for r in data[table]}
        for period, items in periods.items():
            expected = by(items, key)
            got = {k: r[period] for k, r in rows.items() if r[period]}
            assert got == dict(expected), (table, period)
    # Every area of the municipality is listed, the quiet one with zeros.
    quiet = next(r for r in data["areas"] if r["key"] == areas["Tågarp"].pk)
    assert (quiet["current"], quiet["previous"], quiet["last_year"]) == (0, 0, 0)
    # Incidents without an area have their own row.
    assert next(r for r in data["areas"] if r["key"] is None)["current"] == 1
    theft = next(r for r in data["categories"] if r["label"] == "Stöld/inbrott")
    assert theft["vs_previous"] == {"diff": 2, "percent": 20}


def test_it_counts_weekday_by_part_of_day(burlov, dataset):
    data = figures.compute(burlov, START, END)
    expected = by(
        counted(dataset, burlov, START, END),
        lambda i: (i.occurred_on.isoweekday(), i.part_of_day or ""),
    )
    parts = data["when"]["parts"]
    got = {
        (day, parts[p]): n
        for day, row in zip(data["when"]["weekdays"], data["when"]["cells"], strict=True)
        for p, n in enumerate(row)
        if n
    }
    assert got == dict(expected)
    assert sum(map(sum, data["when"]["cells"])) == data["totals"]["current"]


def test_it_finds_hot_spots_and_recurring_places(burlov, dataset):
    data = figures.compute(burlov, START, END)
    current = counted(dataset, burlov, START, END)
    expected = by([i for i in current if i.place], lambda i: i.place)
    assert {p["label"]: p["current"] for p in data["places"]} == dict(expected)
    assert data["places"][0]["label"] == "Centrumgången"
    secret = next(p for p in data["places"] if p["label"] == "Hemliga gränd 3")
    assert (secret["current"], secret["current_open"]) == (1, 0)
    # The station had an incident in the weeks before as well: it recurs. The school did not.
    assert [p["label"] for p in data["recurring_places"]] == ["Arlövs station"]
    assert data["recurring_places"][0]["before"] == 1


def test_it_lists_notable_incidents_sources_and_whats_coming(burlov, dataset):
    data = figures.compute(burlov, START, END)
    current = counted(dataset, burlov, START, END)
    high = [i for i in current if i.severity == Incident.Severity.HIGH]
    assert data["notable"]["count"] == len(high) == 2
    assert {n["id"] for n in data["notable"]["items"]} == {i.pk for i in high}
    assert next(n for n in data["notable"]["items"] if n["restricted"])["place"] == (
        "Hemliga gränd 3"
    )
    sources = {s["key"]: s["current"] for s in data["sources"]}
    assert sources == {
        "own": len(current) - 1,
        "partners": 0,
        "police_open_data": 1,
        "import": 0,
    }
    assert [e["title"] for e in data["upcoming"]["items"]] == ["Påsklov"]
    assert data["upcoming"]["start"] == "2026-03-16"
    assert data["actions"]["available"] in (True, False)


def test_it_lists_open_safety_walk_observations(burlov, situation_group):
    from meetings.models import Meeting

    from .report_helpers import aware

    walk = Meeting.objects.create(
        municipality=burlov,
        body=situation_group,
        title="Trygghetsvandring Arlöv",
        start=aware(START),
        end=aware(START, 12),
        kind="safety_walk",
    )
    Observation.objects.create(
        municipality=burlov, meeting=walk, place="Tunneln", category="lighting", description="Mörkt"
    )
    Observation.objects.create(
        municipality=burlov,
        meeting=walk,
        place="Parken",
        category="litter",
        description="Skräp",
        status=Observation.Status.RESOLVED,
    )
    data = figures.compute(burlov, START, END)
    assert data["observations"]["count"] == 1
    assert data["observations"]["items"][0]["place"] == "Tunneln"


def test_it_compiles_in_a_constant_number_of_queries(burlov, areas, django_assert_max_num_queries):
    def queries_for(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for i in range(n):
            incident(
                burlov,
                START + datetime.timedelta(days=i % 14),
                ["theft", "vandalism", "drugs"][i % 3],
                list(areas.values())[i % 3],
                place=f"Gata {i % 7}",
                severity=3,
            )
        with CaptureQueriesContext(connection) as ctx:
            figures.compute(burlov, START, END)
        return len(ctx.captured_queries)

    small = queries_for(3)
    large = queries_for(60)
    assert small == large
    assert large <= 14  # the incident figures twice: with restricted incidents, and open only


def test_compiled_figures_are_frozen_until_an_explicit_recompile(burlov, dataset, coordinator):
    report = compiling.create_report(burlov, START, END, user=coordinator)
    compiling.compile_report(report.pk)
    report.refresh_from_db()
    assert report.status == SituationReport.Status.DRAFT
    assert report.data["totals"]["current"] == 17
    # Later changes to incidents do not alter the compiled report...
    incident(burlov, START, "theft")
    Incident.objects.filter(municipality=burlov, occurred_on=END).delete()
    compiling.compile_report(report.pk)  # a second run (task run twice) changes nothing
    report.refresh_from_db()
    assert report.data["totals"]["current"] == 17
    # ... until a coordinator recompiles the draft on purpose.
    compiling.request_recompile(report, coordinator)
    compiling.compile_report(report.pk)
    report.refresh_from_db()
    assert report.data["totals"]["current"] == 17 + 1 - 2


def test_the_default_period_is_since_the_last_meeting_or_the_last_days(burlov, situation_group):
    from django.utils import timezone

    from meetings.models import Meeting

    from .report_helpers import aware

    today = timezone.localdate()
    start, end = compiling.default_period(burlov, days=7, today=today)
    assert (end - start).days == 6 and end == today
    assert compiling.default_period(burlov, today=today) == (
        today - datetime.timedelta(days=13),
        today,
    )
    last = today - datetime.timedelta(days=9)
    Meeting.objects.create(
        municipality=burlov,
        body=situation_group,
        title="Örat mot marken",
        start=aware(last),
        end=aware(last, 11),
    )
    assert compiling.default_period(burlov, today=today) == (last, today)


def test_a_small_base_is_shown_as_a_number_not_a_percentage():
    assert figures.change(3, 1) == {"diff": 2, "percent": None}
    assert figures.change(15, 10) == {"diff": 5, "percent": 50}
    assert figures.change(0, 0) == {"diff": 0, "percent": None}


def test_it_lists_late_and_soon_due_actions_of_the_agreement(burlov, police_org, coordinator):
    from councils.models import Action, Agreement, FocusArea

    today = datetime.date(2026, 3, 16)
    agreement = Agreement.objects.create(
        municipality=burlov,
        title="Samverkansöverenskommelse 2026",
        police_area=police_org,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        status=Agreement.Status.ACTIVE,
    )
    focus = FocusArea.objects.create(agreement=agreement, title="Trygg centrummiljö")

    def action(title, due, status=Action.Status.ONGOING):
        return Action.objects.create(
            focus_area=focus,
            title=title,
            responsible_organisation=police_org,
            lead=coordinator,
            start_date=datetime.date(2026, 1, 1),
            due_date=due,
            status=status,
        )

    action("Försenad belysning", datetime.date(2026, 3, 1))
    action("Snart klar", datetime.date(2026, 4, 1))
    action("Långt fram", datetime.date(2026, 9, 1))
    action("Klar redan", datetime.date(2026, 3, 1), status=Action.Status.DONE)
    data = figures.compute(burlov, START, END, today=today)
    assert data["actions"]["available"] is True
    assert [a["title"] for a in data["actions"]["late"]] == ["Försenad belysning"]
    assert [a["title"] for a in data["actions"]["due_soon"]] == ["Snart klar"]


def test_it_keeps_the_figures_of_open_incidents_apart(burlov, dataset):
    """The count rule (issue 9): readers outside public authorities get figures computed from
    open incidents only, stored beside the full ones."""
    data = figures.compute(burlov, START, END)
    shown = data["open"]
    assert shown["totals"]["current"] == data["totals"]["current"] - 1 == 16
    assert shown["totals"]["current_restricted"] == 0
    assert shown["notable"]["count"] == 1
    assert not any(n["restricted"] for n in shown["notable"]["items"])
    assert "Hemliga gränd 3" not in str(shown) and "Våld/hot" not in str(shown)

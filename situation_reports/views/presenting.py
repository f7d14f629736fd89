"""Presenting a situation report's frozen figures: the tables, charts and texts the report page
and the PDF show, from ``data`` as the reader may see it (the count rule:
``services.figures.figures_for``), with as much of incidents' details as
``permissions.detail_level`` allows."""

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from trygghet.tenancy import sees_restricted

from ..models import SECTIONS, Measure, Priority, UpcomingEvent
from ..models.indicators import Unit, shown_number
from ..permissions import AGGREGATES, detail_level
from ..services import charts
from ..services.figures import change_text, figures_for

WEEKDAYS = [
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]


def _labels():
    """Translated labels, built per request (the language is the reader's)."""
    return {
        "weekdays": [_(d) for d in WEEKDAYS],
        "parts": [
            _("Night 00–06"),
            _("Morning 06–12"),
            _("Afternoon 12–18"),
            _("Evening 18–24"),
            _("Time unknown"),
        ],
        "sections": dict(SECTIONS),
    }


def _date(value):
    return formats.date_format(parse_date(value), "SHORT_DATE_FORMAT") if value else ""


def present(report, membership):
    """Everything the report page and the PDF show, from the frozen ``data`` as this reader
    may see it (``figures_for``: the count rule)."""
    if not report.data:
        return None
    data = figures_for(report.data, membership)
    if data is None:
        return _present_withheld(report)
    labels = _labels()
    level = detail_level(membership)
    for table in ("categories", "areas"):
        for row in data.get(table, []):
            row["vs_previous_text"] = change_text(row.get("vs_previous"))
            row["vs_last_year_text"] = change_text(row.get("vs_last_year"))
    totals = data["totals"]
    series_names = [
        _("This period"),
        _("Previous period"),
        _("Same period last year"),
    ]

    def bars(chart_id, title, rows):
        rows = [r for r in rows if r["current"] or r["previous"] or r["last_year"]]
        return charts.bar_chart(
            f"{chart_id}-{report.pk}",
            title,
            [r["label"] for r in rows],
            [
                (series_names[0], [r["current"] for r in rows]),
                (series_names[1], [r["previous"] for r in rows]),
                (series_names[2], [r["last_year"] for r in rows]),
            ],
        )

    when = data["when"]
    when_rows = [
        {"label": labels["weekdays"][i], "cells": cells, "total": sum(cells)}
        for i, cells in enumerate(when["cells"])
    ]
    # ``data`` holds only what this reader may see: for others than public authorities the
    # places, notable incidents and counts of open incidents alone.
    places = data.get("places", [])
    recurring = data.get("recurring_places", [])
    notable = data.get("notable", {"count": 0, "items": []})
    notable_items = [{**item, "date_text": _date(item["date"])} for item in notable["items"]]
    if level == AGGREGATES:
        places, recurring, notable_items = [], [], []
    return {
        "withheld": False,
        "data": data,
        "level": level,
        "totals": totals,
        "vs_previous_text": change_text(totals.get("vs_previous")),
        "vs_last_year_text": change_text(totals.get("vs_last_year")),
        "period_text": f"{_date(data['period']['start'])}–{_date(data['period']['end'])}",
        "previous_text": f"{_date(data['previous']['start'])}–{_date(data['previous']['end'])}",
        "last_year_text": f"{_date(data['last_year']['start'])}–{_date(data['last_year']['end'])}",
        "series_names": series_names,
        "categories": data["categories"],
        "areas": data["areas"],
        "categories_chart": bars("categories", _("Incidents by category"), data["categories"]),
        "areas_chart": bars("areas", _("Incidents by area"), data["areas"]),
        "when_chart": charts.heat_grid(
            f"when-{report.pk}",
            _("Incidents by weekday and part of day"),
            labels["weekdays"],
            labels["parts"],
            when["cells"],
        ),
        "when_parts": labels["parts"],
        "when_rows": when_rows,
        "when_part_totals": [sum(col) for col in zip(*when["cells"], strict=True)],
        "places": places,
        "recurring": recurring,
        "notable_count": notable["count"],
        "notable_items": notable_items,
        "sources": data.get("sources", []),
        "sources_chart": charts.bar_chart(
            f"sources-{report.pk}",
            _("Where the numbers come from"),
            [s["label"] for s in data.get("sources", [])],
            [(series_names[0], [s["current"] for s in data.get("sources", [])])],
        ),
        "observations": data.get("observations", {}),
        "upcoming": data.get("upcoming", {}),
        "upcoming_text": (
            f"{_date(data['upcoming']['start'])}–{_date(data['upcoming']['end'])}"
            if data.get("upcoming")
            else ""
        ),
        "actions": data.get("actions", {}),
        "action_groups": _action_groups(data),
    }


def _present_withheld(report):
    """A report compiled before its open-only figures were kept (issue 9), for a reader who is
    not a public authority: its figures include restricted incidents, so none are shown; the
    lists that do not come from incidents are."""
    data = report.data
    return {
        "withheld": True,
        "data": {"small_base": data.get("small_base")},
        "observations": data.get("observations", {}),
        "upcoming": data.get("upcoming", {}),
        "upcoming_text": (
            f"{_date(data['upcoming']['start'])}–{_date(data['upcoming']['end'])}"
            if data.get("upcoming")
            else ""
        ),
        "actions": data.get("actions", {}),
        "action_groups": _action_groups(data),
    }


def _action_groups(data):
    return [
        {"title": _("Late actions"), "rows": data.get("actions", {}).get("late", [])},
        {
            "title": _("Actions due within 30 days"),
            "rows": data.get("actions", {}).get("due_soon", []),
        },
    ]


# --- The strategic lägesbild -------------------------------------------------------------------

MONTHS = [
    gettext_noop("Jan"),
    gettext_noop("Feb"),
    gettext_noop("Mar"),
    gettext_noop("Apr"),
    gettext_noop("May"),
    gettext_noop("Jun"),
    gettext_noop("Jul"),
    gettext_noop("Aug"),
    gettext_noop("Sep"),
    gettext_noop("Oct"),
    gettext_noop("Nov"),
    gettext_noop("Dec"),
]


def _source_label(key):
    return {
        "incidents": _("Incidents registered in Trygghet (own, partners', imported)"),
        "police": _(
            "The police's open data (press notices of events, not statistics of reported crime)"
        ),
        "population": _("Population (the reference list of municipalities)"),
        "indicator": _("Indicator"),
    }.get(key, key)


def present_strategic(report, membership):
    """What the page and the PDF of a strategic lägesbild show, from its frozen ``data`` as
    this reader may see it: the incident figures of open incidents only for readers outside
    public authorities (the count rule); the police's figures, the population, the indicators
    and what is planned are public."""
    if not report.data:
        return None
    data = figures_for(report.data, membership)
    incidents = data["incidents"]
    years = data["years"]
    year_labels = [str(y) for y in years]
    none_category, none_area = _("No category"), _("No area given")
    categories = [
        {**row, "label": row["label"] if row["key"] is not None else none_category}
        for row in incidents["categories"]
    ]
    areas = [
        {**row, "label": row["label"] if row["key"] is not None else none_area}
        for row in incidents["areas"]
    ]
    for row in categories + areas:
        row["change_text"] = change_text(row.get("change"))
    heat_rows = [
        {
            **row,
            "label": _("Other categories")
            if row["key"] == "other"
            else (row["label"] if row["key"] is not None else none_category),
        }
        for row in incidents["heat"]
    ]
    months = [_(m) for m in MONTHS]
    police = data.get("police", {})
    kinds = dict(UpcomingEvent.Kind.choices)
    planned = data.get("planned", {"items": []})
    planned_items = [
        {
            **e,
            "kind": str(kinds.get(e["kind_code"], e["kind_code"])),
            "when": _date(e["starts_on"])
            + (f"–{_date(e['ends_on'])}" if e["ends_on"] != e["starts_on"] else ""),
        }
        for e in planned["items"]
    ]
    chart_categories = categories[:8]
    return {
        "data": data,
        "years": years,
        "population": data.get("population"),
        "period_text": f"{_date(data['period']['start'])}–{_date(data['period']['end'])}",
        "compiled_on": _date(data.get("compiled_on")),
        "incidents": incidents,
        "restricted_left_out": not sees_restricted(membership),
        "categories": categories,
        "areas": areas,
        "by_year_chart": charts.line_chart(
            f"years-{report.pk}",
            _("Incidents per year and category (the largest categories)"),
            year_labels,
            [(row["label"], row["years"]) for row in chart_categories],
            every=1,
        ),
        "heat_chart": charts.heat_grid(
            f"heat-{report.pk}",
            _("Incidents by month and category, %(first)s–%(last)s")
            % {"first": years[0], "last": years[-1]},
            [row["label"][:22] for row in heat_rows],
            months,
            [row["cells"] for row in heat_rows],
            left=170,
            cell_w=52,
        ),
        "heat_rows": heat_rows,
        "months": months,
        "police": police,
        "police_chart": charts.line_chart(
            f"police-{report.pk}",
            _("Police events per 1,000 inhabitants per year"),
            [str(row["year"]) for row in police.get("by_year", [])],
            [
                (report.municipality.name, [row["rate"] or 0 for row in police["by_year"]]),
                (police.get("county", ""), [row["county_rate"] or 0 for row in police["by_year"]]),
                (_("Sweden"), [row["country_rate"] or 0 for row in police["by_year"]]),
            ],
            every=1,
        )
        if police.get("available")
        else "",
        "consequences": _indicators(data, "consequences"),
        "other_information": _indicators(data, "other_information"),
        "planned_items": planned_items,
        "planned_text": f"{_date(planned.get('start'))}–{_date(planned.get('end'))}"
        if planned.get("start")
        else "",
        "sources": [
            {
                **s,
                "label": _source_label(s["key"]),
                "date_text": _date(s.get("date")),
                "span": (
                    f"{_date(s['first'])}–{_date(s['last'])}"
                    if s["key"] in ("incidents", "police") and s.get("first")
                    else (s.get("first", "") + (f"–{s['last']}" if s.get("last") else ""))
                ),
            }
            for s in data.get("sources", [])
        ],
    }


def _indicators(data, section):
    """The indicator series of a section, each value in the reader's number format and the
    unit in the reader's language."""
    units = dict(Unit.choices)
    return [
        {
            **indicator,
            "unit_label": str(units.get(indicator["unit"], "")),
            "values": [
                {**value, "shown": shown_number(value["value"])} for value in indicator["values"]
            ],
        }
        for indicator in data.get("indicators", {}).get(section, [])
    ]


# --- The action plan's annual follow-up ------------------------------------------------------


def present_follow_up(report):
    """What the page and the PDF of an annual follow-up show, from its frozen ``data``, with
    the status, priority and change labels in the reader's language. Nothing in it is
    restricted (no incident): every reader sees the same."""
    if not report.data:
        return None
    data = report.data
    statuses = dict(Measure.Status.choices)
    priorities = dict(Priority.choices)
    states = {
        "continued": _("still named"),
        "new": _("new"),
        "gone": _("no longer named"),
    }
    problems = []
    for problem in data.get("problems", []):
        measures = [
            {**m, "status_label": statuses.get(m["status"], m["status"])}
            for m in problem["measures"]
        ]
        problems.append(
            {
                **problem,
                "priority_label": priorities.get(problem["priority"], problem["priority"]),
                "measures": measures,
            }
        )
    changes = data.get("changes", {"newer": None, "problems": []})
    return {
        "plan": data.get("plan", {}),
        "totals": data.get("totals", {}),
        "statuses": [
            (statuses.get(key, key), count) for key, count in data["totals"]["statuses"].items()
        ],
        "problems": problems,
        "changes": {
            "newer": changes["newer"],
            "problems": [
                {
                    **row,
                    "state_label": states.get(row["state"], row["state"]),
                    "before_label": priorities.get(row["before"], "–") if row["before"] else "–",
                    "now_label": priorities.get(row["now"], "–") if row["now"] else "–",
                }
                for row in changes["problems"]
            ],
        },
        "period_text": f"{_date(data['period']['start'])}–{_date(data['period']['end'])}",
        "compiled_on": _date(data["compiled_on"]),
    }

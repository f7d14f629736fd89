"""Presenting a situation report's frozen figures: the tables, charts and texts the report page
and the PDF show, from ``data`` as the reader may see it (the count rule:
``services.figures.figures_for``), with as much of incidents' details as
``permissions.detail_level`` allows."""

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import SECTIONS
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

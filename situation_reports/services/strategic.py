"""The figures of a strategic lägesbild (4 § lag 2023:196): the survey of crime over several
years, per capita and against county and country, the yearly cycle, the indicator series of the
consequences and the other information, and what is planned. Frozen into the report's ``data``
by ``compiling.compile_report``, like the operational report's (``services.figures``).

Every block names its source and date (``sources``): the municipality's incidents in Trygghet,
the police's open data (press notices, not crime statistics), the reference population, and
each indicator's own source and latest period.

The numbers come from grouped queries, a bounded number of rows whatever the number of
incidents: one over the trend years by year × month × category × area (twice: with restricted
incidents, and from open incidents only, the count rule of ``figures.figures_for``), one per
trend year over the police counts (``comparisons.compare``), one over the indicator values.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from councils.models import Area

from ..models import (
    Incident,
    IncidentCategory,
    IndicatorValue,
    PoliceEventSource,
    ReferenceMunicipality,
    UpcomingEvent,
)
from ..models.indicators import Indicator, Section
from . import comparisons, figures
from .figures import change

TREND_YEARS = 5
HEAT_CATEGORIES = 12
INDICATOR_VALUES = 8
PLANNED_DAYS = 365
PLANNED_LIMIT = 40
# The open part of ``data``: what readers outside public authorities see instead.
INCIDENT_KEYS = ("incidents",)


def trend_years(start, end, first_data=None):
    """The calendar years of the trends: the report's years and those before, five in all,
    from the first year with any incident (``first_data``, a date) when that is later: years
    before the municipality kept its incidents in Trygghet would only show zeros."""
    first = min(start.year, end.year - TREND_YEARS + 1)
    if first_data is not None:
        first = max(first, min(first_data.year, start.year))
    return list(range(first, end.year + 1))


def compute(municipality, start, end, *, today=None):
    """Everything a strategic lägesbild for ``municipality`` and [start, end] holds."""
    today = today or timezone.localdate()
    base = Incident.objects.filter(municipality=municipality).active()
    years = trend_years(start, end, base.aggregate(first=Min("occurred_on"))["first"])
    reference = (
        ReferenceMunicipality.objects.filter(code=municipality.code).first()
        if municipality.code
        else None
    )
    population = _population(municipality, reference, end.year)
    data = {
        "kind": "strategic",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "years": years,
        "population": population,
        "incidents": _incidents(municipality, base, start, end, years, population),
        "police": _police(reference, years),
        "indicators": _indicators(municipality, end),
        "planned": _planned(municipality, end, today),
        "compiled_on": today.isoformat(),
    }
    data["open"] = {
        "incidents": _incidents(municipality, base.open(), start, end, years, population)
    }
    data["sources"] = _sources(municipality, data, base, years)
    return data


def _population(municipality, reference, year):
    """The reference list's population nearest ``year``, else the municipality's own figure
    (its settings; no year)."""
    figures = comparisons.populations(year) if reference is not None else {}
    if reference is not None and reference.pk in figures:
        count, figure_year = figures[reference.pk]
        return {"count": count, "year": figure_year}
    if municipality.population:
        return {"count": municipality.population, "year": None}
    return None


def _rate(count, population):
    if not population:
        return None
    return round(comparisons.rate(count, population["count"]), 2)


def _incidents(municipality, base, start, end, years, population):
    """Counts per year, category and area, the period's total, and the month × category grid
    of the trend years: one grouped query, and the names of its categories and areas.

    The query groups by ids only: grouped by the joined names as well, PostgreSQL sorted all
    the incidents by text (on disk, from about 100,000) instead of hashing a few thousand
    groups, 0.9 s of a 2 s compile (scripts/benchmark_strategic.py)."""
    first, last = datetime.date(years[0], 1, 1), max(end, datetime.date(years[-1], 12, 31))
    period_q = Q(occurred_on__gte=start, occurred_on__lte=end)
    counted = list(
        base.filter(occurred_on__gte=min(first, start), occurred_on__lte=last)
        .annotate(y=ExtractYear("occurred_on"), m=ExtractMonth("occurred_on"))
        .values("y", "m", "category_id", "area_id")
        .annotate(n=Count("id"), in_period=Count("id", filter=period_q))
        .values_list("y", "m", "category_id", "area_id", "n", "in_period")
        .order_by()
    )
    category_names = dict(
        IncidentCategory.objects.filter(pk__in={row[2] for row in counted}).values_list(
            "pk", "name"
        )
    )
    area_rows = Area.objects.filter(
        Q(pk__in={row[3] for row in counted if row[3] is not None})
        | Q(municipality=municipality, is_active=True)
    ).values_list("pk", "name", "is_active", "municipality_id")
    area_names = {pk: name for pk, name, _active, _m in area_rows}
    rows = (
        (y, m, cat_id, category_names.get(cat_id), area_id, area_names.get(area_id), n, period)
        for y, m, cat_id, area_id, n, period in counted
    )
    index = {year: i for i, year in enumerate(years)}
    by_year = [0] * len(years)
    categories, areas = {}, {}
    heat = defaultdict(lambda: [0] * 12)
    period_total = 0
    period_categories = defaultdict(int)
    for year, month, cat_id, cat_name, area_id, area_name, n, in_period in rows:
        period_total += in_period
        if cat_id is not None:
            period_categories[cat_id] += in_period
        if year not in index:
            continue
        i = index[year]
        by_year[i] += n
        categories.setdefault(cat_id, [cat_name, [0] * len(years)])[1][i] += n
        areas.setdefault(area_id, [area_name, [0] * len(years)])[1][i] += n
        heat[cat_id][month - 1] += n
    for area_id, name, active, area_municipality in area_rows:
        if active and area_municipality == municipality.pk:
            areas.setdefault(area_id, [name, [0] * len(years)])

    def table(entries):
        result = [
            {
                "key": key,
                "label": label,
                "years": counts,
                "rate": _rate(counts[-1], population),
                "change": change(counts[-1], counts[-2]) if len(counts) > 1 else None,
                "in_period": period_categories.get(key, 0) if entries is categories else None,
            }
            for key, (label, counts) in entries.items()
        ]
        result.sort(key=lambda r: (-r["years"][-1], -sum(r["years"]), str(r["label"])))
        return result

    category_rows = table(categories)
    top = [r["key"] for r in category_rows[:HEAT_CATEGORIES]]
    heat_rows = [
        {"key": r["key"], "label": r["label"], "cells": heat[r["key"]]}
        for r in category_rows[:HEAT_CATEGORIES]
    ]
    rest = [0] * 12
    for key, cells in heat.items():
        if key not in top:
            rest = [a + b for a, b in zip(rest, cells, strict=True)]
    if any(rest):
        heat_rows.append({"key": "other", "label": "", "cells": rest})
    return {
        "period_total": period_total,
        "by_year": [
            {"year": year, "count": count, "rate": _rate(count, population)}
            for year, count in zip(years, by_year, strict=True)
        ],
        "categories": category_rows,
        "areas": table(areas),
        "heat": heat_rows,
    }


def _police(reference, years):
    """The police's events per year for the municipality, its county and the country (rates
    per 1,000 inhabitants), and per event type in the last year the file covers."""
    source = PoliceEventSource.objects.first()
    if reference is None or source is None:
        return {"available": False}
    by_year = []
    last = None
    for year in years:
        result = comparisons.compare(reference.code, year)
        if result.year != year or not result.rows:
            continue
        total = result.rows[0]
        by_year.append(
            {
                "year": year,
                "count": total.count,
                "rate": total.rate,
                "county_rate": total.county_rate,
                "country_rate": total.country_rate,
                "partial": comparisons.is_partial_year(year, source),
            }
        )
        if not comparisons.is_partial_year(year, source) or last is None:
            last = result
    types = []
    if last is not None:
        types = [
            {
                "event_type": row.event_type,
                "count": row.count,
                "rate": row.rate,
                "county_rate": row.county_rate,
                "country_rate": row.country_rate,
                "flag": row.flag,
            }
            for row in last.rows[1:]
            if row.count or row.flag != comparisons.SIMILAR
        ]
    return {
        "available": bool(by_year),
        "county": reference.county_name,
        "by_year": by_year,
        "types_year": last.year if last is not None else None,
        "types": types,
        "source": {
            "file": source.file_name,
            "first": source.first_event.isoformat() if source.first_event else "",
            "last": source.last_event.isoformat() if source.last_event else "",
            "aggregated": timezone.localdate(source.aggregated_at).isoformat(),
        },
    }


def _indicators(municipality, end):
    """Each measure with values for the municipality, under its section: its latest values for
    the whole municipality (without breakdown) up to the period's last year (a lägesbild of 2024
    does not show 2025's figures), the source, method note, link and date."""
    values = defaultdict(list)
    for value in (
        IndicatorValue.objects.filter(
            municipality=municipality, area__isnull=True, sex="", age_group="", year__lte=end.year
        )
        .select_related("indicator")
        .order_by("indicator_id", "year", "part")
    ):
        values[value.indicator_id].append(value)
    result = {Section.CONSEQUENCES: [], Section.OTHER_INFORMATION: []}
    for indicator in Indicator.objects.available_to(municipality).filter(pk__in=values):
        series = sorted(values[indicator.pk], key=lambda v: v.sort_key)[-INDICATOR_VALUES:]
        result.setdefault(indicator.section, []).append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "source": indicator.source,
                "method_note": indicator.method_note,
                "link": indicator.link,
                "values": [
                    {"period": v.period_label, "value": str(v.value), "demo": v.is_demo}
                    for v in series
                ],
                "demo": any(v.is_demo for v in series),
                "updated": max(v.updated_at for v in series).date().isoformat(),
            }
        )
    return result


def _planned(municipality, end, today):
    """What is planned after the period (events, building projects; not public holidays):
    from the day after the period until a year after it was compiled."""
    return figures.upcoming(
        municipality,
        end + datetime.timedelta(days=1),
        max(end, today) + datetime.timedelta(days=PLANNED_DAYS),
        limit=PLANNED_LIMIT,
        leave_out=[UpcomingEvent.Kind.PUBLIC_HOLIDAY],
    )


def _sources(municipality, data, base, years):
    """What each figure rests on and how current it is (keys; the labels are the reader's)."""
    span = base.filter(occurred_on__year__gte=years[0]).aggregate(
        first=Min("occurred_on"), last=Max("occurred_on")
    )
    sources = [
        {
            "key": "incidents",
            "detail": municipality.name,
            "first": span["first"].isoformat() if span["first"] else "",
            "last": span["last"].isoformat() if span["last"] else "",
            "date": data["compiled_on"],
        }
    ]
    police = data["police"]
    if police.get("available"):
        sources.append(
            {
                "key": "police",
                "detail": police["source"]["file"],
                "first": police["source"]["first"],
                "last": police["source"]["last"],
                "date": police["source"]["aggregated"],
            }
        )
    if data["population"]:
        sources.append(
            {
                "key": "population",
                "detail": str(data["population"]["count"]),
                "first": str(data["population"]["year"] or ""),
                "last": "",
                "date": "",
            }
        )
    for section in data["indicators"].values():
        for indicator in section:
            sources.append(
                {
                    "key": "indicator",
                    "detail": f"{indicator['name']}: {indicator['source']}",
                    "first": indicator["values"][0]["period"] if indicator["values"] else "",
                    "last": indicator["values"][-1]["period"] if indicator["values"] else "",
                    "date": indicator["updated"],
                }
            )
    return sources

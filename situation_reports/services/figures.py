"""The figures of a situation report: plain functions over the database.

``compute(municipality, start, end)`` returns the figures of a report as a JSON-ready dict. All
numbers come from database aggregation in a constant number of queries, whatever the number of
incidents:

1. one grouped query over the three periods (current, previous of equal length, same period last
   year) by category × area, with conditional counts per period: the totals and the category
   and area tables (at most categories × areas rows);
2. one grouped query over the period by weekday × part of day × source: the when-grid, the
   sources, the open and high-severity counts (at most 7 × 5 × sources rows);
3. the municipality's areas (a quiet area is listed with zeros); 4. hot and recurring places;
5. notable incidents (high severity, capped); 6. open safety-walk observations; 7. upcoming
   events; 8. the agreement's actions (late, due soon).

Queries 1–5 run twice: with restricted incidents, and over open incidents only (the count rule:
see ``figures_for``).

The numbers never come from a row per incident: every query returns a bounded number of
grouped rows, whatever the number of incidents. ``compiling.compile_report`` freezes them into
the report.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Min, Q, Value
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Action, Agreement, Area, Organisation
from meetings.models import Observation
from trygghet.tenancy import pick_for

from ..models import Incident, UpcomingEvent

# Below this many incidents in the base period a percentage misleads ("+200 %" for 1 → 3):
# the change is shown as a number only.
SMALL_BASE = 10
TOP_PLACES = 10
NOTABLE_LIMIT = 25
LIST_LIMIT = 25
RECUR_WEEKS = 12
DUE_SOON_DAYS = 30
PARTS = ["night", "morning", "afternoon", "evening", ""]
OWN_KINDS = {Organisation.Kind.MUNICIPAL_ADMINISTRATION, Organisation.Kind.MUNICIPAL_COMPANY}


def comparison_periods(start, end):
    """The previous period of equal length, and the same dates one year earlier."""
    days = (end - start).days + 1
    previous = (start - datetime.timedelta(days=days), start - datetime.timedelta(days=1))
    last_year = (start - relativedelta(years=1), end - relativedelta(years=1))
    return previous, last_year


# --- Changes ----------------------------------------------------------------------------------


def change(current, base):
    """The change from ``base`` to ``current``: a number always, a percentage only when the base
    is large enough for one to mean something."""
    diff = current - base
    percent = None
    if base >= SMALL_BASE:
        percent = round(100 * diff / base)
    return {"diff": diff, "percent": percent}


def change_text(delta):
    """A ``change()`` as the pages write it: ``+3`` or ``+3 (+25 %)``."""
    if not delta:
        return ""
    text = f"{delta['diff']:+d}"
    if delta.get("percent") is not None:
        text += f" ({delta['percent']:+d} %)"
    return text


def _row(key, label, cur, prev, ly, **extra):
    return {
        "key": key,
        "label": label,
        "current": cur,
        "previous": prev,
        "last_year": ly,
        "vs_previous": change(cur, prev),
        "vs_last_year": change(cur, ly),
        **extra,
    }


# --- The figures ------------------------------------------------------------------------------


def _in_period(start, end):
    return Q(occurred_on__gte=start, occurred_on__lte=end)


# What of a report is derived from incidents: kept twice, with restricted incidents (for
# public authorities) and from open incidents only (``data["open"]``, for everyone else).
INCIDENT_FIGURES = (
    "totals",
    "categories",
    "areas",
    "when",
    "places",
    "recurring_places",
    "sources",
    "notable",
)


def compute(municipality, start, end, *, today=None):
    """Everything a situation report for ``municipality`` and [start, end] (dates) holds: the
    numbers (``figures``) and the lists (notable incidents, observations, what is coming, the
    agreement's actions).

    The count rule (issue 9): the figures and the notable incidents are computed twice, with
    restricted incidents and, under ``"open"``, from open incidents only; ``figures_for``
    picks per reader, so a private company sees exactly what it can list."""
    today = today or timezone.localdate()
    cur_q = _in_period(start, end)
    data = figures(municipality, start, end)
    base = Incident.objects.filter(municipality=municipality).active()
    data["notable"] = _notable(base, cur_q, data["totals"]["high"])
    open_data = figures(municipality, start, end, open_only=True)
    open_data["notable"] = _notable(base.open(), cur_q, open_data["totals"]["high"])
    data["open"] = {key: open_data[key] for key in INCIDENT_FIGURES}
    data["observations"] = _observations(municipality, end)
    data["upcoming"] = _upcoming(municipality, end, (end - start).days + 1)
    data["actions"] = _actions(municipality, today)
    return data


def figures_for(data, viewer):
    """A compiled report's ``data`` as ``viewer`` (a membership; None for a guest) may see it:
    public authorities the figures with restricted incidents, everyone else those of open
    incidents only (``trygghet.tenancy.pick_for``). None when the report was compiled before
    both were kept: its figures are then for public authorities only."""
    if not data:
        return data
    open_only = None
    if "open" in data:
        open_only = {key: value for key, value in data.items() if key != "open"}
        open_only.update(data["open"])
    return in_reader_language(pick_for(viewer, with_restricted=data, open_only=open_only))


def in_reader_language(data):
    """``data`` with the labels the code gave (sources, "no area", "no category", the kinds of
    upcoming events) in the language of the request, from their keys: a report compiled in
    Swedish is read in English with English labels (issue 12, point 9). The numbers and the
    texts people wrote are the record and stay as compiled; only these interface words change.
    A copy: the report's own ``data`` is left as stored."""
    if not data:
        return data
    data = dict(data)
    labels = _source_labels()
    if data.get("sources"):
        data["sources"] = [
            {**row, "label": labels.get(row.get("key"), row.get("label"))}
            for row in data["sources"]
        ]
    for table, none_label in (("categories", _("No category")), ("areas", _("No area given"))):
        if data.get(table):
            data[table] = [
                {**row, "label": none_label} if row.get("key") is None else row
                for row in data[table]
            ]
    upcoming = data.get("upcoming")
    if upcoming and upcoming.get("items"):
        kinds = dict(UpcomingEvent.Kind.choices)
        data["upcoming"] = {
            **upcoming,
            "items": [
                {**e, "kind": str(kinds.get(e.get("kind_code"), e.get("kind")))}
                for e in upcoming["items"]
            ],
        }
    return data


def figures(municipality, start, end, *, open_only=False):
    """The numbers: totals, categories, areas (three periods), weekday × part of day, sources
    and places. Four queries, whatever the number of incidents. ``open_only``: from open
    incidents alone (what is shown to readers who are not public authorities)."""
    (p_start, p_end), (y_start, y_end) = comparison_periods(start, end)
    cur_q, prev_q, ly_q = (
        _in_period(start, end),
        _in_period(p_start, p_end),
        _in_period(y_start, y_end),
    )
    base = Incident.objects.filter(municipality=municipality).active()
    if open_only:
        base = base.open()

    # 1. Category × area, three periods at once (at most categories × areas rows).
    by_category_area = (
        base.filter(cur_q | prev_q | ly_q)
        .values("category_id", "category__name", "area_id", "area__name")
        .annotate(
            cur=Count("id", filter=cur_q),
            prev=Count("id", filter=prev_q),
            ly=Count("id", filter=ly_q),
        )
        .values_list("category_id", "category__name", "area_id", "area__name", "cur", "prev", "ly")
        .order_by()
    )
    totals = {"current": 0, "previous": 0, "last_year": 0, "current_open": 0, "high": 0}
    categories, areas = {}, {}
    for cat_id, cat_name, area_id, area_name, cur, prev, ly in by_category_area:
        totals["current"] += cur
        totals["previous"] += prev
        totals["last_year"] += ly
        for table, key, label in ((categories, cat_id, cat_name), (areas, area_id, area_name)):
            entry = table.setdefault(key, [label, 0, 0, 0])
            entry[1] += cur
            entry[2] += prev
            entry[3] += ly

    # 2. The period by weekday × part of day × source (at most 7 × 5 × sources rows).
    by_time_source = (
        base.filter(cur_q)
        .values("source", "organisation__kind")
        .annotate(
            weekday=ExtractIsoWeekDay("occurred_on"),
            part=Coalesce("part_of_day", Value("")),
            n=Count("id"),
            n_open=Count("id", filter=Q(confidentiality=Incident.Confidentiality.OPEN)),
            n_high=Count("id", filter=Q(severity=Incident.Severity.HIGH)),
        )
        .values_list("source", "organisation__kind", "weekday", "part", "n", "n_open", "n_high")
        .order_by()
    )
    grid = {(d, p): 0 for d in range(1, 8) for p in PARTS}
    sources = {"own": 0, "partners": 0, "police_open_data": 0, "import": 0}
    for source, org_kind, weekday, part, n, n_open, n_high in by_time_source:
        grid[(weekday, part if part in PARTS else "")] += n
        sources[source_key(source, org_kind)] += n
        totals["current_open"] += n_open
        totals["high"] += n_high

    def table_rows(table, none_label):
        rows = [
            _row(key, label if key is not None else none_label, cur, prev, ly)
            for key, (label, cur, prev, ly) in table.items()
        ]
        rows.sort(key=lambda r: (-r["current"], -r["previous"], str(r["label"])))
        return rows

    category_rows = table_rows(categories, _("No category"))
    area_rows = table_rows(areas, _("No area given"))
    # Areas without any incident belong in the table too (a quiet area is also information).
    seen_areas = {r["key"] for r in area_rows}
    for area_id, name in Area.objects.filter(municipality=municipality, is_active=True).values_list(
        "pk", "name"
    ):
        if area_id not in seen_areas:
            area_rows.append(_row(area_id, name, 0, 0, 0))

    data = {
        "schema": 2,  # 2: with the open-only figures under "open" (issue 9)
        "municipality": municipality.name,
        "period": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
        },
        "previous": {"start": p_start.isoformat(), "end": p_end.isoformat()},
        "last_year": {"start": y_start.isoformat(), "end": y_end.isoformat()},
        "small_base": SMALL_BASE,
        "totals": {
            **totals,
            "current_restricted": totals["current"] - totals["current_open"],
            "vs_previous": change(totals["current"], totals["previous"]),
            "vs_last_year": change(totals["current"], totals["last_year"]),
        },
        "categories": category_rows,
        "areas": area_rows,
        "when": {
            "weekdays": list(range(1, 8)),
            "parts": PARTS,
            "cells": [[grid[(d, p)] for p in PARTS] for d in range(1, 8)],
        },
    }
    data["places"], data["recurring_places"] = _places(base, start, end, cur_q)
    data["sources"] = _sources(sources)
    return data


def _places(base, start, end, cur_q):
    """Hot places of the period, and places that recur (seen in the period and in the
    ``RECUR_WEEKS`` weeks before it). Counts with and without restricted incidents, so a
    reader without the right sees only places (and counts) of open incidents."""
    before_start = start - datetime.timedelta(weeks=RECUR_WEEKS)
    before_q = Q(occurred_on__gte=before_start, occurred_on__lt=start)
    open_q = Q(confidentiality=Incident.Confidentiality.OPEN)
    rows = list(
        base.filter(occurred_on__gte=before_start, occurred_on__lte=end)
        .exclude(place="")
        .annotate(norm=Lower(Trim("place")))
        .values("norm")
        .annotate(
            label=Min("place"),
            current=Count("id", filter=cur_q),
            current_open=Count("id", filter=cur_q & open_q),
            before=Count("id", filter=before_q),
            before_open=Count("id", filter=before_q & open_q),
        )
        .filter(current__gt=0)
        .order_by("-current", "-before", "norm")
        .values("label", "current", "current_open", "before", "before_open")
    )
    hot = rows[:TOP_PLACES]
    recurring = sorted(
        (r for r in rows if r["before"] > 0),
        key=lambda r: (-(r["current"] + r["before"]), r["label"]),
    )[:TOP_PLACES]
    return hot, recurring


def _notable(base, cur_q, count):
    items = []
    for incident in (
        base.filter(cur_q, severity=Incident.Severity.HIGH)
        .select_related("category", "area")
        .order_by("-occurred_on", "-started_at", "-pk")[:NOTABLE_LIMIT]
    ):
        items.append(
            {
                "id": incident.pk,
                "date": incident.occurred_on.isoformat(),
                "part_of_day": incident.part_of_day,
                "category": incident.category.name,
                "area": incident.area.name if incident.area_id else "",
                "place": incident.place,
                "description": incident.description[:500],
                "restricted": incident.is_restricted,
            }
        )
    return {"count": count, "items": items}


def source_key(source, organisation_kind):
    """Where an incident's number comes from: police open data, an imported file, the
    municipality's own logging, or a partner's."""
    if source == Incident.Source.POLICE_OPEN_DATA:
        return "police_open_data"
    if source == Incident.Source.IMPORT:
        return "import"
    if organisation_kind is None or organisation_kind in OWN_KINDS:
        return "own"
    return "partners"


def _source_labels():
    return {
        "own": _("Own logging (the municipality)"),
        "partners": _("Partners"),
        "police_open_data": _("Police open data"),
        "import": _("Imported files"),
    }


def _sources(counts):
    labels = _source_labels()
    return [{"key": k, "label": labels[k], "current": counts[k]} for k in labels]


def _observations(municipality, end):
    """Open safety-walk observations made up to the end of the period."""
    qs = Observation.objects.filter(
        municipality=municipality,
        status=Observation.Status.OPEN,
        meeting__start__date__lte=end,
    )
    items = [
        {
            "place": o.place,
            "category": o.get_category_display(),
            "description": o.description[:300],
            "walk": timezone.localdate(o.meeting.start).isoformat(),
        }
        for o in qs.select_related("meeting").order_by("-meeting__start", "pk")[:LIST_LIMIT]
    ]
    count = len(items) if len(items) < LIST_LIMIT else qs.count()
    return {"available": True, "count": count, "items": items}


def _upcoming(municipality, end, days):
    start, until = end + datetime.timedelta(days=1), end + datetime.timedelta(days=days)
    return upcoming(municipality, start, until)


def upcoming(municipality, start, until, *, limit=LIST_LIMIT, leave_out=()):
    """What is coming between ``start`` and ``until`` (dates; an event that began before and
    goes on counts), at most ``limit`` events, without the kinds in ``leave_out``: the
    operational report's "Coming up" and the strategic lägesbild's "What is planned"."""
    events = (
        UpcomingEvent.objects.filter(municipality=municipality, starts_on__lte=until)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
        .exclude(kind__in=leave_out)
        .select_related("area")
        .order_by("starts_on", "title")[:limit]
    )
    return {
        "start": start.isoformat(),
        "end": until.isoformat(),
        "items": [
            {
                "title": e.title,
                "starts_on": e.starts_on.isoformat(),
                "ends_on": e.last_day.isoformat(),
                "kind": e.get_kind_display(),
                "kind_code": e.kind,  # the label follows the reader's language (in_reader_language)
                "area": e.area.name if e.area_id else "",
                "expected_effect": e.expected_effect,
            }
            for e in events
        ],
    }


def _actions(municipality, today):
    """Late and soon-due actions of the municipality's agreements (not drafts)."""
    open_statuses = [Action.Status.PLANNED, Action.Status.ONGOING]
    qs = (
        Action.objects.filter(
            focus_area__agreement__municipality=municipality, status__in=open_statuses
        )
        .exclude(focus_area__agreement__status=Agreement.Status.DRAFT)
        .select_related("responsible_organisation")
        .order_by("due_date", "pk")
    )

    def rows(q):
        return [
            {
                "title": a.title,
                "due_date": a.due_date.isoformat(),
                "organisation": str(a.responsible_organisation),
                "status": a.get_status_display(),
            }
            for a in q[:LIST_LIMIT]
        ]

    return {
        "available": True,
        "late": rows(qs.filter(due_date__lt=today)),
        "due_soon": rows(
            qs.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(DUE_SOON_DAYS))
        ),
    }

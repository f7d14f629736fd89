"""Agenda sources of this app (see meetings/agenda_sources.py for the contract).

- ``incidents``: incidents that happened since the body's previous meeting, counted by category,
  with a link to exactly that period in the incident list.
- ``upcoming``: what is coming from the meeting's day until the body's next meeting (or two
  weeks when none is planned): holidays, school breaks, events, the horizon scanning of a
  situation-group meeting. It fills the series' "Blicka framåt" heading when there is one.
- ``situation_report``: the meeting's situation report.

The first two serve the bodies that follow the situation (every kind but working groups) and
not safety walks. The count rule (issue 9; README "Who sees what: restricted incidents"): an
item keeps two texts, its ``description`` counted from open incidents only (what members
outside public authorities and share-link pages read) and, when restricted incidents change
the figures, a ``restricted_description`` with them, shown to public authorities only.

The situation report's item is never shareable: a share-link visitor is anonymous, so neither
the report's numbers nor a link to it belong on a shared page (the report page itself needs a
login and a membership anyway).
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from councils.models import Body
from meetings.agenda_sources import AgendaItemSpec, register_agenda_source
from meetings.agenda_texts import Text
from meetings.models import Meeting

from .models import Incident, SituationReport, UpcomingEvent
from .services.figures import figures_for

DEFAULT_LOOKBACK_DAYS = 14
HORIZON_DAYS = 14
# The headings (lower case, a title's beginning) the upcoming events fill.
LOOKING_AHEAD_HEADINGS = ("blicka framåt", "omvärldsbevakning", "looking ahead")


def follows_the_situation(meeting):
    return not meeting.is_safety_walk and meeting.body.kind != Body.Kind.WORKING_GROUP


def incident_period(meeting, previous):
    """From the previous meeting's day to the day before this one (or today, if sooner)."""
    end = min(timezone.localtime(meeting.start).date(), timezone.localdate())
    if previous is not None:
        start = timezone.localtime(previous.start).date()
    else:
        start = end - datetime.timedelta(days=DEFAULT_LOOKBACK_DAYS)
    return start, max(start, end)


def incident_counts_text(counts, period):
    """ "N incidents <period>." and a line per category, from ``(category, count)`` pairs, as
    texts (lines) rendered in the reader's language."""
    counts = sorted(((name, n) for name, n in counts if n), key=lambda c: (-c[1], c[0]))
    total = sum(n for _name, n in counts)
    if not total:
        return [Text.gettext("No incidents were logged %(period)s.", period=period)]
    return [
        Text.ngettext(
            "%(count)s incident %(period)s.",
            "%(count)s incidents %(period)s.",
            total,
            count=total,
            period=period,
        )
    ] + [Text.gettext("%(category)s: %(count)s", category=name, count=n) for name, n in counts]


def new_incidents(meeting, previous):
    if not follows_the_situation(meeting):
        return []
    start, end = incident_period(meeting, previous)
    # A stored artefact: both figures are kept, and each reader is shown theirs.
    rows = list(
        Incident.objects.in_municipality(meeting.municipality)
        .active()
        .between(start, end)
        .values("category__name")
        .annotate(
            count=Count("id"),
            open=Count("id", filter=Q(confidentiality=Incident.Confidentiality.OPEN)),
        )
        .order_by()
    )
    period = Text.period(start, end)
    description = incident_counts_text([(r["category__name"], r["open"]) for r in rows], period)
    restricted_description = ""
    if any(r["count"] != r["open"] for r in rows):
        restricted_description = incident_counts_text(
            [(r["category__name"], r["count"]) for r in rows], period
        )
    link = reverse(
        "situation_reports:incident-list", kwargs={"municipality": meeting.municipality.slug}
    )
    return [
        AgendaItemSpec(
            key="since-last-meeting",
            title=Text.gettext("New incidents since the last meeting"),
            description=description,
            restricted_description=restricted_description,
            link=f"{link}?date_from={start.isoformat()}&date_to={end.isoformat()}",
            minutes_allotted=10,
        )
    ]


def looking_ahead_period(meeting):
    """From the meeting's day to the day before the body's next meeting (not cancelled), or
    ``HORIZON_DAYS`` when none is planned."""
    start = timezone.localtime(meeting.start).date()
    following = (
        Meeting.objects.filter(body_id=meeting.body_id, start__gt=meeting.start)
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    if following is None:
        return start, start + datetime.timedelta(days=HORIZON_DAYS)
    return start, max(start, timezone.localtime(following).date() - datetime.timedelta(days=1))


def upcoming_events(meeting, previous):
    if not follows_the_situation(meeting):
        return []
    start, end = looking_ahead_period(meeting)
    events = list(
        UpcomingEvent.objects.in_municipality(meeting.municipality)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
        .select_related("area")
        .order_by("starts_on", "title")
    )
    lines = []
    for event in events:
        when = Text.date(event.starts_on, "j b")
        if event.ends_on and event.ends_on != event.starts_on:
            when = Text.join([when, Text.date(event.ends_on, "j b")], "–")
        if event.area_id:
            lines.append(
                Text.gettext(
                    "%(when)s: %(title)s (%(area)s)",
                    when=when,
                    title=event.title,
                    area=str(event.area),
                )
            )
        else:
            lines.append(Text.gettext("%(when)s: %(title)s", when=when, title=event.title))
    if not lines:  # said under the series' heading; no item of its own
        lines = [
            Text.gettext(
                "Nothing in the upcoming events %(period)s.", period=Text.period(start, end)
            )
        ]
    link = reverse(
        "situation_reports:upcoming-list", kwargs={"municipality": meeting.municipality.slug}
    )
    return [
        AgendaItemSpec(
            key="coming-period",
            title=Text.gettext("Looking ahead: until the next meeting"),
            description=lines,
            link=link,
            shareable=True,
            minutes_allotted=5,
            headings=LOOKING_AHEAD_HEADINGS,
            standalone=bool(events),
        )
    ]


# The report's statuses as texts (their labels' message ids), translated when shown.
def _status_text(report):
    return Text.label(SituationReport.Status(report.status).label)


def _totals_text(report, data):
    if data is None:  # compiled before open-only figures were kept: for public authorities
        return [Text.gettext("The figures are on the report's page.")]
    totals = data["totals"]
    return [
        Text.gettext(
            "%(count)s incidents %(start)s–%(end)s (previous period: %(previous)s).",
            count=totals.get("current", 0),
            previous=totals.get("previous", 0),
            start=Text.date(report.period_start, "j b"),
            end=Text.date(report.period_end, "j b Y"),
        )
    ]


def situation_report(meeting, previous):
    report = SituationReport.objects.filter(meeting=meeting).order_by("-version").first()
    if report is None:
        return []
    restricted_description = ""
    if not report.data.get("totals"):
        # Queued or compiling for the first time: the item is there, numbers later.
        description = [Text.gettext("The situation report is being compiled.")]
    else:
        description = _totals_text(report, figures_for(report.data, None))
        restricted_description = _totals_text(report, report.data)
        if restricted_description == description:
            restricted_description = ""
    return [
        AgendaItemSpec(
            key="report",
            title=Text.gettext("Situation report (%(status)s)", status=_status_text(report)),
            description=description,
            restricted_description=restricted_description,
            link=report.get_absolute_url(),
            shareable=False,
            obj=report,
        )
    ]


def register():
    register_agenda_source("situation_report", situation_report, order=5)
    register_agenda_source("incidents", new_incidents, order=20)
    register_agenda_source("upcoming", upcoming_events, order=30)

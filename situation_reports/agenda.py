"""Agenda sources of this app (see meetings/agenda_sources.py for the contract).

- ``incidents``: incidents that happened since the body's previous meeting, counted by category,
  with a link to exactly that period in the incident list.
- ``upcoming``: what is coming in the two weeks from the meeting (holidays, school breaks,
  events), the horizon scanning of a situation-group meeting.

Both serve the bodies that follow the situation (every kind but working groups) and not
safety walks. Counts include restricted incidents (a count names nobody, as in the lägesbild),
but an item whose count includes a restricted incident is not shareable: share-link pages show
nothing derived from restricted data.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councils.models import Body
from meetings.agenda_sources import AgendaItemSpec

from .models import Incident, UpcomingEvent

DEFAULT_LOOKBACK_DAYS = 14
HORIZON_DAYS = 14


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


def new_incidents(meeting, previous):
    if not follows_the_situation(meeting):
        return []
    start, end = incident_period(meeting, previous)
    rows = list(
        Incident.objects.in_municipality(meeting.municipality)
        .active()
        .between(start, end)
        .values("category__name")
        .annotate(
            count=Count("id"),
            restricted=Count("id", filter=Q(confidentiality=Incident.Confidentiality.RESTRICTED)),
        )
        .order_by("-count", "category__name")
    )
    total = sum(r["count"] for r in rows)
    period = f"{formats.date_format(start, 'j M')}–{formats.date_format(end, 'j M Y')}"
    if total:
        lines = [f"{r['category__name']}: {r['count']}" for r in rows]
        description = (
            ngettext(
                "%(count)s incident %(period)s.",
                "%(count)s incidents %(period)s.",
                total,
            )
            % {"count": total, "period": period}
            + "\n"
            + "\n".join(lines)
        )
    else:
        description = _("No incidents were logged %(period)s.") % {"period": period}
    link = reverse(
        "situation_reports:incident-list", kwargs={"municipality": meeting.municipality.slug}
    )
    return [
        AgendaItemSpec(
            key="since-last-meeting",
            title=_("New incidents since the last meeting"),
            description=description,
            link=f"{link}?date_from={start.isoformat()}&date_to={end.isoformat()}",
            shareable=not any(r["restricted"] for r in rows),
            minutes_allotted=10,
        )
    ]


def upcoming_events(meeting, previous):
    if not follows_the_situation(meeting):
        return []
    start = timezone.localtime(meeting.start).date()
    end = start + datetime.timedelta(days=HORIZON_DAYS)
    events = list(
        UpcomingEvent.objects.in_municipality(meeting.municipality)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
        .select_related("area")
        .order_by("starts_on", "title")
    )
    if not events:
        return []
    lines = []
    for event in events:
        when = formats.date_format(event.starts_on, "j M")
        if event.ends_on and event.ends_on != event.starts_on:
            when += f"–{formats.date_format(event.ends_on, 'j M')}"
        where = f" ({event.area})" if event.area_id else ""
        lines.append(f"{when}: {event.title}{where}")
    link = reverse(
        "situation_reports:upcoming-list", kwargs={"municipality": meeting.municipality.slug}
    )
    return [
        AgendaItemSpec(
            key="coming-period",
            title=_("Looking ahead: the coming two weeks"),
            description="\n".join(lines),
            link=link,
            shareable=True,
            minutes_allotted=5,
        )
    ]


def register():
    from meetings.agenda_sources import register_agenda_source

    register_agenda_source("incidents", new_incidents, order=20)
    register_agenda_source("upcoming", upcoming_events, order=30)

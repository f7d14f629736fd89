"""What the incident list, the map and the exports share: one filter, one query string.

Every query starts from ``Incident.objects.restrict(request.membership)``: a private company's
partner never meets a restricted incident, in a list, the map, an export or a count.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import Body
from meetings.models import Meeting

from ..filters import IncidentFilter
from ..models import Incident


def url(name, request, **kwargs):
    """The address of one of the app's pages in the request's municipality."""
    return reverse(
        f"situation_reports:{name}", kwargs={"municipality": request.municipality.slug, **kwargs}
    )


def filtered(request):
    """The filter and its queryset: one definition for the list, the map and the exports."""
    base = Incident.objects.restrict(request.membership).select_related(
        "category", "area", "organisation", "municipality"
    )
    incident_filter = IncidentFilter(
        request.GET or None, queryset=base, membership=request.membership
    )
    return incident_filter, incident_filter.qs


def querystring(request, drop=("page",), **extra):
    """The request's filter as a query string, without ``drop`` and with ``extra``."""
    params = [
        (key, value)
        for key, values in request.GET.lists()
        for value in values
        if key not in drop and key not in extra and value != ""
    ]
    params += [(k, v) for k, v in extra.items() if v not in (None, "")]
    return urlencode(params)


def last_meeting_seen(membership, now=None):
    """The last meeting before now that ``membership`` may see: a situation group's (it
    follows the incidents), else any body's; None when there is none. One query."""
    now = now or timezone.now()
    return (
        Meeting.objects.restrict(membership)
        .filter(start__lt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by(
            Case(When(body__kind=Body.Kind.SITUATION_GROUP, then=0), default=1),
            "-start",
        )
        .first()
    )


def quick_periods(request):
    """Links setting the filter's dates at once: since the last meeting, the last 7 days and
    this month, each keeping the rest of the filter; ``current`` marks the one in use."""
    today = timezone.localdate()
    periods = []
    last = last_meeting_seen(request.membership)
    if last is not None and timezone.localdate(last.start) <= today:
        start = timezone.localdate(last.start)
        periods.append(
            (
                _("Since the last meeting (%(date)s)") % {"date": date_format(start, "j M")},
                start,
            )
        )
    periods.append((_("Last 7 days"), today - datetime.timedelta(days=6)))
    periods.append((_("This month"), today.replace(day=1)))
    given = (request.GET.get("date_from", ""), request.GET.get("date_to", ""))
    return [
        {
            "label": label,
            "url": "?"
            + querystring(
                request,
                drop=("page", "date_from", "date_to"),
                date_from=start.isoformat(),
                date_to=today.isoformat(),
            ),
            "current": given == (start.isoformat(), today.isoformat()),
        }
        for label, start in periods
    ]

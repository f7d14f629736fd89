"""What the incident list, the map and the exports share: one filter, one query string.

Every query starts from ``Incident.objects.restrict(request.membership)``: a private company's
partner never meets a restricted incident, in a list, the map, an export or a count.
"""

from urllib.parse import urlencode

from django.urls import reverse

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

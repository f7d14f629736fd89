"""Jämförelser: the police's open-data events of the municipality per 1,000 inhabitants against
its county and the country, per event type and year (issue 13)."""

from django.shortcuts import render

from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE

from ..services import comparisons

MAX_PARAMETER = 100


def _year(value):
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None


@municipal_view(roles=EVERYONE)
def comparison_page(request):
    municipality = request.municipality
    event_type = (request.GET.get("type") or "")[:MAX_PARAMETER]
    result = comparisons.compare(
        municipality.code, year=_year(request.GET.get("year")), event_type=event_type
    )
    return render(
        request,
        "situation_reports/comparisons.html",
        {
            "comparison": result,
            "partial_year": comparisons.is_partial_year(result.year, result.source),
            "deviation": comparisons.DEVIATION,
            "min_events": comparisons.MIN_EVENTS,
        },
    )

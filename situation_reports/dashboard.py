"""The start page's incident section (the lead wires it into trygghet.views)."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from .models import Incident

DAYS = 7


def incident_section(request):
    """New incidents of the last 7 days by category, as this member may list them (the count
    rule)."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=DAYS - 1)
    rows = list(
        Incident.objects.counted(request.membership)
        .between(since, today)
        .values("category__name")
        .annotate(count=Count("id"))
        .order_by("-count", "category__name")
    )
    list_url = reverse(
        "situation_reports:incident-list", kwargs={"municipality": request.municipality.slug}
    )
    return {
        "template": "situation_reports/dashboard_incidents.html",
        "by_category": [{"name": r["category__name"], "count": r["count"]} for r in rows],
        "total": sum(r["count"] for r in rows),
        "since": since,
        "list_url": f"{list_url}?date_from={since.isoformat()}&date_to={today.isoformat()}",
    }

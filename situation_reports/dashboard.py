"""The start page's sections of this app, for ``trygghet.views.dashboard_sections``: the
incidents of the last week, the latest compiled report of a meeting (a free-period report is
never "the latest situation report"), and the reports waiting for this member (``waiting``).
The figures follow the count rule: the figures this member may see."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from . import permissions
from .models import Incident, SituationReport
from .services.figures import change_text, figures_for

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
        # The start page's "Log an incident", for those who log.
        "log_url": reverse(
            "situation_reports:incident-create", kwargs={"municipality": request.municipality.slug}
        )
        if permissions.can_log(request.membership)
        else None,
    }


def report_section(request):
    """The latest compiled report of a meeting, its current version (or None when there is
    none). Free-period reports are not a meeting's: they are on the reports page only."""
    report = (
        SituationReport.objects.restrict(request.membership)
        .of_meetings()
        .ready()
        .select_related("municipality", "meeting")
        .order_by("-period_end", "-version", "-pk")
        .first()
    )
    if report is None:
        return None
    # The figures this member may see (the count rule); none of a report compiled before
    # open-only figures were kept, for a reader outside public authorities.
    shown = figures_for(report.data, request.membership) or {}
    totals = shown.get("totals", {})
    return {
        "template": "situation_reports/report_dashboard.html",
        "report": report,
        "totals": totals,
        "vs_previous_text": change_text(totals.get("vs_previous")),
    }


def waiting(request):
    """The reports waiting for this member, as ``(kind, report)`` with kind ``approve`` (they may
    approve it, and it is in review), ``review`` (they sit in its body and may comment) or
    ``submit`` (a manager: a meeting's draft, or a strategic lägesbild's, to send for review).
    Current versions only."""
    membership = request.membership
    reports = (
        SituationReport.objects.restrict(membership)
        .awaiting_work()
        .filter(status__in=[SituationReport.Status.IN_REVIEW, SituationReport.Status.DRAFT])
        .select_related("municipality", "meeting", "body")
        .order_by("meeting__start", "pk")
    )
    found = []
    for report in reports:
        if report.status == SituationReport.Status.DRAFT:
            if permissions.can_manage_reports(membership):
                found.append(("submit", report))
        elif permissions.can_approve(report, membership):
            found.append(("approve", report))
        elif permissions.can_comment(report, membership):
            found.append(("review", report))
    return found

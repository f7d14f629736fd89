"""The start page's "waiting for you": what asks for this person's hand now, across the apps.

A situation report waiting for their approval (they may approve it by the one approval rule,
``councils.permissions``) or their review (they sit in its body), a meeting's draft report to
send for review (managers), and minutes waiting for their approval (held meetings whose minutes
they may approve). Each app's querysets decide what may be read (``restrict``)."""

from meetings.models import Meeting
from meetings.permissions import can_approve_minutes
from situation_reports.dashboard import waiting as waiting_reports

LIMIT = 10


def waiting_minutes(request):
    """Held meetings whose minutes wait for approval, that this person may approve."""
    meetings = (
        Meeting.objects.restrict(request.membership)
        .filter(status=Meeting.Status.HELD)
        .select_related("municipality", "body")
        .order_by("start", "pk")
    )
    return [m for m in meetings if can_approve_minutes(request.membership, m)]


def waiting_section(request):
    """The section, or None when nothing waits."""
    reports = waiting_reports(request)
    minutes = waiting_minutes(request)
    total = len(reports) + len(minutes)
    if not total:
        return None
    return {
        "template": "trygghet/_waiting.html",
        "reports": reports[:LIMIT],
        "minutes": minutes[:LIMIT],
        "total": total,
        "more": max(0, len(reports) - LIMIT) + max(0, len(minutes) - LIMIT),
    }

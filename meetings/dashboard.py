"""The meetings section of the start page (wired by the lead into trygghet.views)."""

from django.utils import timezone

from .models import ActionItem, Meeting
from .permissions import sees_every_meeting


def dashboard_section(request, limit=5):
    membership = request.membership
    user = membership.user
    meetings = (
        Meeting.objects.restrict(membership)
        .not_cancelled()
        .filter(end__gte=timezone.now())
        .select_related("municipality", "body")
        .order_by("start")
    )
    if sees_every_meeting(membership):
        # A coordinator sees every meeting; the start page shows the ones they attend first.
        mine = meetings.filter(attendances__user=user)
        meetings = mine if mine.exists() else meetings
    actions = (
        ActionItem.objects.restrict(membership).open().filter(owner=user).order_by("due_date", "pk")
    )
    return {
        "template": "meetings/_dashboard.html",
        "meetings": list(meetings[:limit]),
        "actions": list(actions[:limit]),
    }

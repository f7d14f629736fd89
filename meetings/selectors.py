"""Reads of the meetings app for other apps' pages (body page, dashboard, map)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from .models import ActionItem, Meeting, MeetingSeries
from .permissions import can_plan

# Which meetings a list shows (``?when=``).
UPCOMING = "upcoming"
PAST = "past"


def visible_meetings(membership):
    return Meeting.objects.restrict(membership).select_related("body", "municipality")


def meeting_list(membership, *, body=None, when=UPCOMING, now=None):
    now = now or timezone.now()
    qs = visible_meetings(membership).annotate(
        item_count=Count("agenda_items", distinct=True),
        open_actions=Count(
            "action_items", filter=Q(action_items__status=ActionItem.Status.OPEN), distinct=True
        ),
    )
    if body is not None:
        qs = qs.filter(body=body)
    if when == PAST:
        return qs.filter(end__lt=now).order_by("-start")
    return qs.filter(end__gte=now).order_by("start")


def body_meetings_context(body, membership, limit=5):
    """Context for ``meetings/_body_meetings_panel.html`` on a body's page."""
    now = timezone.now()
    meetings = visible_meetings(membership).filter(body=body)
    slug = body.municipality.slug
    return {
        "body": body,
        "upcoming_meetings": list(meetings.filter(end__gte=now).order_by("start")[:limit]),
        "past_meetings": list(meetings.filter(end__lt=now).order_by("-start")[:limit]),
        "series_list": list(MeetingSeries.objects.filter(body=body, is_active=True)),
        "body_feed_url": reverse(
            "meetings:body-feed", kwargs={"municipality": slug, "pk": body.pk}
        ),
        "calendar_url": reverse("meetings:calendar", kwargs={"municipality": slug}),
        "meetings_url": reverse("meetings:meeting-list", kwargs={"municipality": slug})
        + f"?body={body.pk}",
        "can_manage": can_plan(membership),
    }

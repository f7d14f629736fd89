"""Calendar feeds (iCalendar): a body's feed for a logged-in browser, the calendar page that
makes private feed addresses, and the private feed behind such an address (no login)."""

import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Membership, Municipality, MunicipalityMembership
from trygghet.access import EVERYONE, municipal_view
from trygghet.tenancy import each_municipality, municipality_scope

from .. import ical, services
from ..models import CalendarToken, Meeting
from ..permissions import followed_bodies, sees_every_meeting

# A feed shows the meetings of the last half year and every meeting ahead.
FEED_DAYS_BACK = 180


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def feed_window():
    """The start of what a feed shows."""
    return timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)


@municipal_view(roles=EVERYONE)
def body_feed(request, pk):
    """A body's feed for a logged-in browser (session). Calendar apps cannot log in: they use a
    private address made on the calendar page (``CalendarToken`` for this person and body,
    served by ``personal_feed``). The token is tied to a person rather than to the body, so a
    leaver's address stops working and the feed never shows more than that person may see;
    it is stored hashed and revocable, like share links."""
    body = get_object_or_404(followed_bodies(request.membership), pk=pk)
    meetings = (
        Meeting.objects.restrict(request.membership)
        .filter(body=body, start__gte=feed_window())
        .select_related("municipality")
    )
    return _ics_response(ical.build_calendar(meetings, body.name), f"{body.pk}.ics")


@municipal_view(roles=EVERYONE)
def calendar(request):
    visible_bodies = followed_bodies(request.membership)
    new_url = None
    if request.method == "POST":
        body = None
        if request.POST.get("body", "").isdigit():
            body = get_object_or_404(visible_bodies, pk=request.POST["body"])
        token = services.create_calendar_token(request.user, body)
        new_url = request.build_absolute_uri(
            reverse("meetings_public:calendar-feed", kwargs={"token": token})
        )
        messages.success(
            request,
            _(
                "A new private calendar address is made; the old one (if any) stops working. "
                "Copy it now: it is shown only once."
            ),
        )
    tokens = {
        t.body_id: t
        for t in CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True)
    }
    bodies = list(visible_bodies)
    for body in bodies:
        body.live_token = tokens.get(body.pk)
    response = render(
        request,
        "meetings/calendar.html",
        {
            "bodies": bodies,
            "tokens": tokens,
            "personal_token": tokens.get(None),
            "new_url": new_url,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def personal_feed(request, token):
    """A person's private feed (``urls_public``, no login): their meetings in every
    municipality, or one body's."""
    if token.endswith(".ics"):
        token = token[:-4]
    calendar_token = services.find_calendar_token(token)
    if calendar_token is None:
        raise Http404
    user = calendar_token.user
    municipalities = Municipality.objects.for_user(user)
    if calendar_token.body_id:
        municipalities = municipalities.filter(pk=calendar_token.body.municipality_id)
    municipalities = list(municipalities)
    ids = set()
    for _municipality in each_municipality(municipalities):
        membership = (
            MunicipalityMembership.objects.filter(user=user, is_active=True)
            .select_related("municipality", "organisation", "user")
            .first()
        )
        if membership is None:
            continue
        qs = Meeting.objects.restrict(membership)
        if calendar_token.body_id:
            qs = qs.filter(body_id=calendar_token.body_id)
        elif sees_every_meeting(membership):
            # A coordinator's own feed: meetings they are invited to, not the whole municipality.
            qs = qs.filter(
                Q(attendances__user=user)
                | Q(body__memberships__in=Membership.objects.current().filter(user=user))
            )
        ids.update(qs.filter(start__gte=feed_window()).values_list("pk", flat=True))
    CalendarToken.objects.filter(pk=calendar_token.pk).update(last_used_at=timezone.now())
    name = calendar_token.body.name if calendar_token.body_id else _("My meetings")
    with municipality_scope(municipalities):
        meetings = Meeting.objects.filter(pk__in=ids).select_related("municipality")
        return _ics_response(ical.build_calendar(meetings.order_by("start"), name), "trygghet.ics")

"""Share links, kept by the planners: made for a meeting or a series, listed with their
openings, revoked. The page a link opens is ``public.shared_agenda``."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view

from .. import services
from ..forms import ShareLinkForm
from ..models import MeetingSeries, ShareLink
from ..permissions import PLANNERS
from .common import meeting_or_404


def _share_links_page(request, *, meeting=None, series=None):
    target = meeting or series
    form = ShareLinkForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        recipients = form.cleaned_data["recipients"]
        with transaction.atomic():
            link, token = services.create_share_link(
                created_by=request.user,
                label=form.cleaned_data["label"],
                expires_at=form.expires_at(),
                meeting=meeting,
                series=series,
                request=request,
            )
            new_url = request.build_absolute_uri(
                reverse("meetings_public:share", kwargs={"token": token})
            )
            if recipients:
                services.queue_share_link_mails(link, new_url, recipients, sender=request.user)
        messages.success(
            request, _("The share link is created. Copy it now: it is shown only once.")
        )
        if recipients:
            messages.success(
                request,
                ngettext(
                    "The link is sent by e-mail to %(count)s recipient: %(addresses)s.",
                    "The link is sent by e-mail to %(count)s recipients: %(addresses)s.",
                    len(recipients),
                )
                % {"count": len(recipients), "addresses": ", ".join(recipients)},
            )
        form = ShareLinkForm()
    links = (
        ShareLink.objects.restrict(request.membership)
        .filter(meeting=meeting, series=series)
        .annotate(opening_count=Count("openings"))
        .select_related("created_by")
    )
    response = render(
        request,
        "meetings/share_links.html",
        {
            "form": form,
            "links": links,
            "target": target,
            "meeting": meeting,
            "series": series,
            "new_url": new_url,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@municipal_view(roles=PLANNERS)
def meeting_share_links(request, pk):
    return _share_links_page(request, meeting=meeting_or_404(request, pk))


@municipal_view(roles=PLANNERS)
def series_share_links(request, pk):
    series = get_object_or_404(MeetingSeries.objects.restrict(request.membership), pk=pk)
    return _share_links_page(request, series=series)


@municipal_view(roles=PLANNERS)
@require_POST
def share_link_revoke(request, link_pk):
    link = get_object_or_404(ShareLink.objects.restrict(request.membership), pk=link_pk)
    services.revoke_share_link(link, request=request)
    messages.success(request, _("The share link is revoked: it stops working at once."))
    if link.meeting_id:
        return redirect(
            "meetings:meeting-share-links",
            municipality=request.municipality.slug,
            pk=link.meeting_id,
        )
    return redirect(
        "meetings:series-share-links", municipality=request.municipality.slug, pk=link.series_id
    )

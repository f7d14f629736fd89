"""What is coming (omvärldsbevakning): the list, adding and removing an event, and generating a
year's public holidays and school breaks."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet import limits
from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions
from ..forms.upcoming import UpcomingEventForm
from ..models import UpcomingEvent
from ..services import upcoming
from .listing import url


@municipal_view(roles=EVERYONE)
def upcoming_list(request):
    today = timezone.localdate()
    show_past = request.GET.get("past") == "1"
    qs = UpcomingEvent.objects.restrict(request.membership).select_related("area")
    if not show_past:
        qs = qs.filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
    form = None
    if permissions.can_manage_upcoming(request.membership):
        form = UpcomingEventForm(municipality=request.municipality)
    return render(
        request,
        "situation_reports/upcoming_list.html",
        {
            "events": qs.order_by("starts_on", "title")[:300],
            "form": form,
            "show_past": show_past,
            "next_year": today.year + 1,
            "this_year": today.year,
            "first_year": upcoming.FIRST_YEAR,
            "last_year": upcoming.LAST_YEAR,
        },
    )


@municipal_view(roles=MANAGERS)
def upcoming_create(request):
    form = UpcomingEventForm(
        request.POST if request.method == "POST" else None, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.municipality = request.municipality
        event.created_by = request.user
        event.save()
        messages.success(request, _("“%(title)s” was added.") % {"title": event.title})
        return redirect(url("upcoming-list", request))
    return render(request, "situation_reports/upcoming_form.html", {"form": form})


@require_POST
@municipal_view(roles=MANAGERS)
def upcoming_delete(request, pk):
    event = get_object_or_404(UpcomingEvent.objects.restrict(request.membership), pk=pk)
    event.delete()
    messages.success(request, _("“%(title)s” was removed.") % {"title": event.title})
    return redirect(url("upcoming-list", request))


@require_POST
@municipal_view(roles=MANAGERS)
def upcoming_generate(request):
    year = limits.parse_id(request.POST.get("year", "")) or 0
    if not upcoming.FIRST_YEAR <= year <= upcoming.LAST_YEAR:
        messages.error(
            request,
            _("Choose a year between %(first)s and %(last)s.")
            % {"first": upcoming.FIRST_YEAR, "last": upcoming.LAST_YEAR},
        )
    else:
        created = upcoming.generate_calendar(request.municipality, year)
        messages.success(
            request,
            _("%(count)s public holidays and school breaks added for %(year)s.")
            % {"count": created, "year": year},
        )
    return redirect(url("upcoming-list", request))

"""Meeting series: how a body meets regularly, and the meetings they plan ahead."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trygghet.access import EVERYONE, municipal_view

from .. import services
from ..forms import SeriesForm
from ..models import MeetingSeries
from ..permissions import PLANNERS, can_plan


def _series_or_404(request, pk):
    return get_object_or_404(MeetingSeries.objects.restrict(request.membership), pk=pk)


@municipal_view(roles=EVERYONE)
def series_list(request):
    series = (
        MeetingSeries.objects.restrict(request.membership)
        .select_related("body")
        .annotate(upcoming=Count("meetings", filter=Q(meetings__end__gte=timezone.now())))
    )
    return render(
        request,
        "meetings/series_list.html",
        {"series_list": series, "can_manage": can_plan(request.membership)},
    )


@municipal_view(roles=PLANNERS)
def series_detail(request, pk):
    series = get_object_or_404(
        MeetingSeries.objects.restrict(request.membership).select_related("body"), pk=pk
    )
    meetings = series.meetings.filter(end__gte=timezone.now()).order_by("start")[:20]
    return render(request, "meetings/series_detail.html", {"series": series, "meetings": meetings})


@municipal_view(roles=PLANNERS)
def series_form(request, pk=None):
    series = None
    if pk is not None:
        series = _series_or_404(request, pk)
    form = SeriesForm(request.POST or None, instance=series, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        # The series and its meetings together or not at all (issue 10: never half-saved).
        with transaction.atomic():
            series = form.save()
            if pk is None:
                created = len(services.generate_meetings(series=[series]))
            else:
                updated, cancelled, created = services.apply_series_change(series)
            services.refresh_upcoming_agendas(meetings=series.meetings.all())
        if pk is None:
            messages.success(
                request,
                ngettext(
                    "The series is saved; %(count)s new meeting is planned.",
                    "The series is saved; %(count)s new meetings are planned.",
                    created,
                )
                % {"count": created},
            )
        else:
            messages.success(
                request,
                _(
                    "The series is saved: %(updated)s, %(cancelled)s and %(created)s. Meetings "
                    "moved or changed by hand are left as they are."
                )
                % {
                    "updated": ngettext(
                        "%(count)s planned meeting follows the change",
                        "%(count)s planned meetings follow the change",
                        updated,
                    )
                    % {"count": updated},
                    "cancelled": ngettext(
                        "%(count)s is cancelled", "%(count)s are cancelled", cancelled
                    )
                    % {"count": cancelled},
                    "created": ngettext(
                        "%(count)s new one is planned", "%(count)s new ones are planned", created
                    )
                    % {"count": created},
                },
            )
        return redirect(series)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@municipal_view(roles=PLANNERS)
@require_POST
def series_generate(request, pk):
    series = _series_or_404(request, pk)
    with transaction.atomic():
        created = services.generate_meetings(series=[series])
        services.refresh_upcoming_agendas(meetings=series.meetings.all())
    messages.success(
        request,
        ngettext(
            "%(count)s new meeting is planned.", "%(count)s new meetings are planned.", len(created)
        )
        % {"count": len(created)},
    )
    return redirect(series)

"""Safety walks: the observations recorded on a walk, an action item made of one, and the open
observations as a layer of the incident map."""

import contextlib
import datetime

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.models import Area
from trygghet import offline
from trygghet.access import EVERYONE, municipal_view

from .. import services
from ..forms import AgendaItemForm, ObservationActionForm, ObservationForm
from ..map_layers import observation_features
from ..models import MinutesLocked
from ..permissions import PLANNERS, can_act_on_observation
from .common import agenda_context, attendance_counts, error_messages, meeting_or_404


def _observations_url(meeting):
    return meeting.get_absolute_url() + "#observations"


@municipal_view(roles=EVERYONE)
@require_POST
@offline.answers_page_fetch
def observation_add(request, pk):
    meeting = meeting_or_404(request, pk)
    if not meeting.is_safety_walk:
        raise Http404
    walk_closed = _("The minutes of this walk are approved: no more observations can be recorded.")
    queued = offline.is_queue_request(request)
    if meeting.is_locked:
        if queued:
            return JsonResponse(
                {"status": "refused", "errors": {"__all__": [walk_closed]}}, status=400
            )
        messages.error(request, walk_closed)
        return redirect(_observations_url(meeting))
    form = ObservationForm(request.POST, request.FILES, municipality=meeting.municipality)
    if form.is_valid():
        observation = form.save(commit=False)
        observation.meeting = meeting
        observation.municipality = meeting.municipality
        observation.created_by = request.user
        try:
            observation, created = offline.save_once(form, observation, user=request.user)
        except MinutesLocked:  # approved since the page was read
            if queued:
                return JsonResponse(
                    {"status": "refused", "errors": {"__all__": [walk_closed]}}, status=400
                )
            messages.error(request, walk_closed)
            return redirect(_observations_url(meeting))
        if observation is not None:
            if queued:
                return offline.queue_saved(_observations_url(meeting), created=created)
            messages.success(request, _("The observation is recorded."))
            return redirect(_observations_url(meeting))
    if queued:
        return offline.queue_refused(form)
    context = agenda_context(request, meeting)
    context.update(
        {
            "attendances": list(meeting.attendances.select_related("user")),
            "action_items": meeting.action_items.all(),
            "observations": meeting.observations.all(),
            "can_act_on_observations": can_act_on_observation(request.membership, meeting),
            "item_form": AgendaItemForm(),
            "observation_form": form,
            "versions": meeting.minutes_versions.all(),
        }
    )
    context["attendance_counts"] = attendance_counts(context["attendances"])
    return render(request, "meetings/meeting_detail.html", context, status=400)


@municipal_view(roles=PLANNERS)
def observation_action(request, pk, obs_pk):
    meeting = meeting_or_404(request, pk)
    observation = get_object_or_404(meeting.observations, pk=obs_pk)
    if meeting.is_locked:
        messages.error(
            request,
            _(
                "The minutes of this walk are approved: no action item can be added to them. "
                "Start a new version of the minutes first."
            ),
        )
        return redirect(_observations_url(meeting))
    form = ObservationActionForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_to_action(observation, **form.cleaned_data)
        except MinutesLocked as exc:  # approved since the page was read
            error_messages(request, exc)
        else:
            messages.success(request, _("An action item is created for the observation."))
        return redirect(_observations_url(meeting))
    return render(
        request,
        "meetings/observation_action.html",
        {"form": form, "meeting": meeting, "observation": observation},
    )


@municipal_view(roles=EVERYONE)
def observation_map_data(request):
    """Open safety-walk observations with a position, in the incident map's layer format.

    The incident map passes its own filter; area and period narrow the observations too.
    """
    filters = {}
    area = request.GET.get("area")
    if area and area.isdigit():
        filters["area"] = get_object_or_404(Area.objects.restrict(request.membership), pk=int(area))
    for key, name in (("since", "date_from"), ("until", "date_to")):
        with contextlib.suppress(ValueError):
            filters[key] = datetime.date.fromisoformat(request.GET.get(name, ""))
    features = observation_features(request.membership, filters)
    points = [
        {
            "id": f["properties"]["id"],
            "lng": f["geometry"]["coordinates"][0],
            "lat": f["geometry"]["coordinates"][1],
            "approximate": None,
            "title": f"{_('Unsafe place')}: {f['properties']['category_label']}",
            "when": f["properties"]["walk_date"],
            "where": f["properties"]["place"],
            "severity": 2,
            "url": f["properties"]["url"],
        }
        for f in features
    ]
    return JsonResponse(
        {
            "total": len(points),
            "shown": len(points),
            "unplaced": 0,
            "truncated": False,
            "points": points,
            "labels": {"open": _("Open the safety walk")},
        }
    )

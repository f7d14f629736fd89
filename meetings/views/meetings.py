"""A body's meetings: the list, a meeting's page, and planning one (create, edit, cancel), its
agenda published and the meeting marked held."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import EVERYONE, municipal_view

from .. import rsvp, selectors, services
from ..forms import AgendaItemForm, CancelForm, MeetingForm, MemberAnswerForm, ObservationForm
from ..models import Kind
from ..permissions import (
    PLANNERS,
    can_act_on_observation,
    can_plan,
    can_record_observation,
    followed_bodies,
)
from .common import (
    agenda_context,
    attendance_counts,
    error_messages,
    meeting_or_404,
    meeting_to_run,
)


@municipal_view(roles=EVERYONE)
def meeting_list(request):
    bodies = followed_bodies(request.membership)
    body = None
    if request.GET.get("body", "").isdigit():
        body = bodies.filter(pk=request.GET["body"]).first()
    when = selectors.PAST if request.GET.get("when") == selectors.PAST else selectors.UPCOMING
    meetings = selectors.meeting_list(request.membership, body=body, when=when)[:200]
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings,
            "bodies": bodies,
            "selected_body": body,
            "when": when,
            "can_manage": can_plan(request.membership),
        },
    )


@municipal_view(roles=EVERYONE)
def meeting_detail(request, pk):
    meeting = meeting_or_404(request, pk)
    attendances = list(meeting.attendances.select_related("user"))
    organisations = services.attendee_organisations(meeting)
    for a in attendances:
        a.organisation_label = a.organisation_name or organisations.get(a.user_id, "")
    context = agenda_context(request, meeting)
    context.update(
        {
            "attendances": attendances,
            "attendance_counts": attendance_counts(attendances),
            "action_items": meeting.action_items.select_related("owner", "owner_organisation"),
            "observations": meeting.observations.select_related(
                "action_item__owner_organisation"
            ).prefetch_related("photos"),
            "can_act_on_observations": can_act_on_observation(request.membership, meeting),
            "item_form": AgendaItemForm(),
            "observation_form": (
                ObservationForm(municipality=meeting.municipality)
                if can_record_observation(request.membership, meeting)
                else None
            ),
            "previous": meeting.previous_meeting(),
            "versions": meeting.minutes_versions.all(),
            "my_invitation": next((a for a in attendances if a.user_id == request.user.pk), None),
            "can_answer": rsvp.can_answer(meeting),
        }
    )
    return render(request, "meetings/meeting_detail.html", context)


@municipal_view(roles=EVERYONE)
@require_POST
def meeting_rsvp(request, pk):
    """The signed-in person answers their own invitation (issue 12, point 4)."""
    meeting = meeting_or_404(request, pk)
    invitation = get_object_or_404(meeting.attendances, user=request.user)
    form = MemberAnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(meeting)
    try:
        invitation = rsvp.answer_invitation(
            invitation, form.cleaned_data["answer"], form.cleaned_data["substitute"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("Your answer is saved: %(answer)s.") % {"answer": invitation.answer_display}
        )
    return redirect(f"{meeting.get_absolute_url()}#my-answer-heading")


@municipal_view(roles=PLANNERS)
def meeting_create(request):
    initial = {}
    if request.GET.get("kind") == Kind.SAFETY_WALK:
        initial["kind"] = Kind.SAFETY_WALK
    form = MeetingForm(request.POST or None, municipality=request.municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save()
            services.invite_members(meeting)
            services.fill_agenda(meeting)
        messages.success(request, _("The meeting is created."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@municipal_view(roles=PLANNERS)
def meeting_edit(request, pk):
    meeting = meeting_or_404(request, pk)
    if meeting.is_locked:
        messages.error(request, _("The minutes are approved: this meeting cannot change."))
        return redirect(meeting)
    form = MeetingForm(request.POST or None, instance=meeting, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        services.update_meeting(meeting, form.changed_data)
        messages.success(request, _("The meeting is saved."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@municipal_view(roles=PLANNERS)
def meeting_cancel(request, pk):
    meeting = meeting_or_404(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(meeting, form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The meeting is cancelled."))
        return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting})


@municipal_view()
@require_POST
def meeting_publish(request, pk):
    meeting = meeting_to_run(request, pk)
    try:
        with transaction.atomic():
            services.publish_agenda(meeting)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The agenda is published. The members get an e-mail."))
    return redirect(meeting)


@municipal_view()
@require_POST
def meeting_held(request, pk):
    meeting = meeting_to_run(request, pk)
    try:
        services.mark_held(meeting)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The meeting is marked as held. Write the minutes."))
    return redirect(meeting)

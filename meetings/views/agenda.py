"""A meeting's agenda, kept by whoever runs the meeting: items added, edited, removed,
reordered (by drag and drop or by the arrows, htmx) and shared or not, the automatic items
refilled."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view

from .. import services
from ..forms import AgendaItemForm
from .common import agenda_context, error_messages, meeting_to_run

# The value of the "move" buttons' direction that moves an item up; anything else moves it down.
UP = "up"


def _agenda_response(request, meeting, announcement=""):
    """The agenda again: its partial for htmx (the announcement read out), else the page."""
    if request.htmx:
        return render(
            request, "meetings/_agenda.html", agenda_context(request, meeting, announcement)
        )
    if announcement:
        messages.success(request, announcement)
    return redirect(meeting)


def _item(request, pk, item_pk):
    meeting = meeting_to_run(request, pk)
    return meeting, get_object_or_404(meeting.agenda_items, pk=item_pk)


@municipal_view()
@require_POST
def agenda_fill(request, pk):
    meeting = meeting_to_run(request, pk)
    try:
        services.fill_agenda(meeting)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    return _agenda_response(request, meeting, _("The agenda is refilled."))


@municipal_view()
def agenda_item_add(request, pk):
    meeting = meeting_to_run(request, pk)
    form = AgendaItemForm(request.POST or None)
    form.instance.meeting = meeting
    if request.method == "POST" and form.is_valid():
        try:
            services.add_item(meeting, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item is added to the agenda."))
            return redirect(meeting)
    return render(
        request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": None}
    )


@municipal_view()
def agenda_item_edit(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        # What the coordinator wrote replaces the generated text (until a refill writes it).
        if "title" in form.changed_data:
            item.generated.pop("title", None)
        if "description" in form.changed_data:
            item.generated.pop("description", None)
            item.generated.pop("restricted_description", None)
        try:
            form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item is saved."))
            return redirect(meeting)
    return render(
        request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": item}
    )


@municipal_view()
@require_POST
def agenda_item_delete(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    try:
        item.delete()
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    return _agenda_response(request, meeting, _("“%(title)s” is removed.") % {"title": item.title})


@municipal_view()
@require_POST
def agenda_item_move(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    direction = -1 if request.POST.get("direction") == UP else 1
    try:
        position = services.move_item(item, direction)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    total = meeting.agenda_items.count()
    return _agenda_response(
        request,
        meeting,
        _("“%(title)s” is now item %(position)s of %(total)s.")
        % {"title": item.title, "position": position, "total": total},
    )


@municipal_view()
@require_POST
def agenda_reorder(request, pk):
    meeting = meeting_to_run(request, pk)
    ids = [i for i in request.POST.getlist("order") if i.isdigit()]
    try:
        services.renumber(meeting, ids)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    return _agenda_response(request, meeting, _("The agenda order is saved."))


@municipal_view()
@require_POST
def agenda_item_shareable(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    item.shareable = request.POST.get("shareable") == "1"
    try:
        item.save(update_fields=["shareable"])
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    if item.shareable:
        message = _("“%(title)s” is visible to guests.") % {"title": item.title}
    else:
        message = _("“%(title)s” is hidden from guests.") % {"title": item.title}
    return _agenda_response(request, meeting, message)

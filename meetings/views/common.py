"""What the meetings pages share: the look-ups that check access, and the agenda's context."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import services
from ..models import Meeting
from ..permissions import (
    can_approve_minutes,
    can_change_meeting,
    can_edit_agenda,
    can_plan,
    can_run_meeting,
)


def meeting_or_404(request, pk):
    """The meeting, if the person may see it (404 otherwise, another municipality's too)."""
    qs = Meeting.objects.restrict(request.membership).select_related(
        "body", "municipality", "series", "area"
    )
    return get_object_or_404(qs, pk=pk)


def meeting_to_run(request, pk):
    """The meeting (404 if invisible), or 403 unless the person may run it."""
    meeting = meeting_or_404(request, pk)
    if not can_run_meeting(request.membership, meeting):
        raise PermissionDenied
    return meeting


def meeting_to_approve(request, pk):
    """The meeting (404 if invisible), or 403 unless the person may approve its minutes."""
    meeting = meeting_or_404(request, pk)
    if not can_approve_minutes(request.membership, meeting):
        raise PermissionDenied
    return meeting


def error_messages(request, exc):
    """A ``ValidationError``'s messages as error messages of the next page."""
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def with_descriptions(items, viewer):
    """Each item with ``shown_description``: its description as ``viewer`` (a membership; None
    on a share-link page) may read it (the count rule, ``AgendaItem.description_for``), and
    ``shown_title`` its title, both in the reader's language."""
    for item in items:
        item.shown_title = item.heading
        item.shown_description = item.description_for(viewer)
    return items


def agenda_context(request, meeting, announcement=""):
    """The agenda of a meeting page (and of its htmx partial), with what the viewer may do.

    A planned meeting's automatic items are made current first; a published agenda stays as
    it was sent, with what has changed since beside it (``services.agenda_changes``)."""
    membership = request.membership
    services.current_agenda(meeting)
    items = with_descriptions(list(meeting.agenda_items.order_by("position", "pk")), membership)
    new_items = with_descriptions(services.agenda_changes(meeting, items), membership)
    with_descriptions([i.now for i in items if hasattr(i, "now")], membership)
    computed = [i.computed_at for i in items if i.generated and i.computed_at]
    total_minutes = sum(i.minutes_allotted or 0 for i in items)
    return {
        "meeting": meeting,
        "items": items,
        "new_items": new_items,
        "figures_as_of": max(computed) if computed else None,
        "total_minutes": total_minutes,
        "over_time": total_minutes > meeting.duration_minutes,
        "can_run": can_run_meeting(membership, meeting),
        "can_edit_agenda": can_edit_agenda(membership, meeting),
        "can_manage": can_plan(membership),
        "can_change_meeting": can_change_meeting(membership, meeting),
        "announcement": announcement,
    }


def attendance_counts(attendances):
    """(status label, count) of the attendance, sorted by label."""
    counts = {}
    for a in attendances:
        counts[a.get_status_display()] = counts.get(a.get_status_display(), 0) + 1
    return sorted(counts.items())

"""A meeting's record: the attendance, the minutes (with their action items), approving them,
a new version, the approved versions and the PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from councils.permissions import approvers_for_body
from trygghet.access import EVERYONE, municipal_view
from trygghet.pdf import pdf_response

from .. import services
from ..forms import ActionItemForm, GuestForm, MinutesItemForm, ReopenForm
from ..models import ActionItem, Attendance
from ..permissions import (
    can_approve_minutes,
    can_run_meeting,
    can_set_action_status,
    can_write_minutes,
)
from .common import (
    error_messages,
    meeting_or_404,
    meeting_to_approve,
    meeting_to_run,
    with_descriptions,
)


@municipal_view()
def attendance(request, pk):
    meeting = meeting_to_run(request, pk)
    rows = list(meeting.attendances.select_related("user"))
    guest_form = GuestForm(prefix="guest")
    if request.method == "POST":
        if meeting.is_locked:
            messages.error(request, _("The minutes are approved: the attendance cannot change."))
            return redirect(meeting)
        valid = set(Attendance.Status.values)
        if "add_guest" in request.POST:
            guest_form = GuestForm(request.POST, prefix="guest")
            if guest_form.is_valid():
                guest = guest_form.save(commit=False)
                guest.meeting = meeting
                guest.role = Attendance.Role.GUEST
                guest.save()
                messages.success(request, _("The guest is added."))
                return redirect(
                    "meetings:attendance", municipality=request.municipality.slug, pk=meeting.pk
                )
        else:
            bad = [r for r in rows if request.POST.get(f"status-{r.pk}", r.status) not in valid]
            if bad:
                messages.error(request, _("Choose a valid attendance for everyone."))
            else:
                with transaction.atomic():
                    for row in rows:
                        value = request.POST.get(f"status-{row.pk}", row.status)
                        if value != row.status:
                            row.status = value
                            row.save(update_fields=["status"])
                    if "invite_members" in request.POST:
                        services.invite_members(meeting)
                messages.success(request, _("The attendance is saved."))
                return redirect(
                    "meetings:attendance", municipality=request.municipality.slug, pk=meeting.pk
                )
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "rows": rows,
            "statuses": Attendance.Status.choices,
            "guest_form": guest_form,
        },
    )


@municipal_view(roles=EVERYONE)
def minutes(request, pk):
    meeting = meeting_or_404(request, pk)
    can_run = can_run_meeting(request.membership, meeting)
    items = with_descriptions(
        list(meeting.agenda_items.order_by("position", "pk")), request.membership
    )
    forms = [MinutesItemForm(instance=i, prefix=f"item-{i.pk}") for i in items]
    action_form = ActionItemForm(meeting=meeting, prefix="action")
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if meeting.is_locked:
            messages.error(
                request,
                _(
                    "The minutes are approved and cannot change. "
                    "Start a new version to correct them."
                ),
            )
            return redirect(
                "meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk
            )
        if "add_action" in request.POST:
            action_form = ActionItemForm(request.POST, meeting=meeting, prefix="action")
            if action_form.is_valid():
                services.add_action_item(meeting, **action_form.cleaned_data)
                messages.success(request, _("The action item is added."))
                return redirect(
                    "meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk
                )
        else:
            forms = [
                MinutesItemForm(request.POST, instance=i, prefix=f"item-{i.pk}") for i in items
            ]
            if all(f.is_valid() for f in forms):
                with transaction.atomic():
                    for f in forms:
                        if f.has_changed():
                            f.save()
                messages.success(request, _("The minutes are saved."))
                return redirect(
                    "meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk
                )
    versions = list(meeting.minutes_versions.select_related("approved_by"))
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "item_forms": list(zip(items, forms, strict=True)),
            "action_form": action_form,
            "action_items": meeting.action_items.select_related(
                "owner", "owner_organisation", "agenda_item"
            ),
            "can_edit": can_write_minutes(request.membership, meeting),
            "can_run": can_run,
            "can_approve": can_approve_minutes(request.membership, meeting),
            # Who approves, by name (the one rule of ``councils.permissions``).
            "approvers": approvers_for_body(meeting.municipality_id, meeting.body_id),
            # The action table's status form (``_action_table.html``).
            "can_manage": can_set_action_status(request.membership),
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "snapshot": (
                services.display_snapshot(versions[-1].snapshot)
                if meeting.is_locked and versions
                else None
            ),
            "reopen_form": ReopenForm(),
            # Decisions of approved minutes go to the decision register (the managers').
            "register_decisions": request.membership.is_manager and meeting.is_locked,
            "statuses": ActionItem.Status.choices,
            "today": timezone.localdate(),
            "attendances": meeting.attendances.select_related("user"),
        },
    )


@municipal_view()
@require_POST
def minutes_approve(request, pk):
    meeting = meeting_to_approve(request, pk)
    try:
        version = services.approve_minutes(meeting, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Version %(number)s of the minutes is approved.") % {"number": version.number},
        )
    return redirect("meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk)


@municipal_view()
@require_POST
def minutes_reopen(request, pk):
    meeting = meeting_to_approve(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the minutes need a new version."))
    else:
        try:
            services.reopen_minutes(meeting, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("A new version of the minutes is started; the approved versions are kept."),
            )
    return redirect("meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk)


@municipal_view(roles=EVERYONE)
def minutes_version(request, pk, number):
    meeting = meeting_or_404(request, pk)
    version = get_object_or_404(
        meeting.minutes_versions.select_related("approved_by"), number=number
    )
    return render(
        request,
        "meetings/minutes_version.html",
        {
            "meeting": meeting,
            "version": version,
            "snapshot": services.display_snapshot(version.snapshot),
        },
    )


@municipal_view(roles=EVERYONE)
def minutes_pdf(request, pk, number=None):
    meeting = meeting_or_404(request, pk)
    version = None
    if number is not None:
        version = get_object_or_404(meeting.minutes_versions, number=number)
    elif meeting.is_locked:
        version = meeting.minutes_versions.order_by("-number").first()
    snapshot = services.display_snapshot(
        version.snapshot if version else services.build_minutes_snapshot(meeting)
    )
    day = timezone.localtime(meeting.start).date().isoformat()
    if version:
        suffix = f"v{version.number}"
    else:
        suffix = pgettext("the file name of minutes not yet approved", "draft")
    name = pgettext("the file name of minutes", "minutes")
    return pdf_response(
        request,
        "meetings/minutes_pdf.html",
        {"meeting": meeting, "version": version, "snapshot": snapshot, "draft": version is None},
        filename=f"{name}-{day}-{suffix}",
    )

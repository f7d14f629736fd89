"""Pages of the meetings app. Thin: look up through ``restrict``, validate, call a service."""

import contextlib
import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage
from django_scopes import scopes_disabled

from councils.models import Body, Membership
from trygghet.access import EVERYONE, MANAGERS, municipal_view
from trygghet.client_ip import client_ip
from trygghet.limits import local_path
from trygghet.tenancy import each_municipality, municipality_scope

from . import ical, selectors, services
from .forms import (
    ActionItemForm,
    ActionStatusForm,
    AgendaItemForm,
    CancelForm,
    GuestForm,
    MeetingForm,
    MinutesItemForm,
    ObservationActionForm,
    ObservationForm,
    ReopenForm,
    SeriesForm,
    ShareLinkForm,
)
from .models import (
    ActionItem,
    Attendance,
    CalendarToken,
    Meeting,
    MeetingSeries,
    MinutesLocked,
    ShareLink,
)
from .permissions import can_approve_minutes, can_run_meeting


def _meeting(request, pk, *, for_update=False):
    qs = Meeting.objects.restrict(request.membership).select_related(
        "body", "municipality", "series", "area"
    )
    return get_object_or_404(qs, pk=pk)


def _meeting_to_run(request, pk):
    """The meeting (404 if invisible), or 403 unless the person may run it."""
    meeting = _meeting(request, pk)
    if not can_run_meeting(request.membership, meeting):
        raise PermissionDenied
    return meeting


def _meeting_to_approve(request, pk):
    meeting = _meeting(request, pk)
    if not can_approve_minutes(request.membership, meeting):
        raise PermissionDenied
    return meeting


def _error_messages(request, exc):
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


# --- Lists ------------------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def meeting_list(request):
    bodies = Body.objects.restrict(request.membership)
    if not request.membership.is_manager:
        bodies = bodies.filter(
            pk__in=Membership.objects.current().filter(user=request.user).values("body_id")
        )
    body = None
    if request.GET.get("body", "").isdigit():
        body = bodies.filter(pk=request.GET["body"]).first()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    meetings = selectors.meeting_list(request.membership, body=body, when=when)[:200]
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings,
            "bodies": bodies,
            "selected_body": body,
            "when": when,
            "can_manage": request.membership.is_manager,
        },
    )


@municipal_view(roles=EVERYONE)
def action_list(request):
    qs = (
        ActionItem.objects.restrict(request.membership)
        .select_related(
            "meeting__municipality", "body", "owner", "owner_organisation", "municipality"
        )
        .order_by("status", "due_date", "pk")
    )
    status = request.GET.get("status", "open")
    if status in ActionItem.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("body", "").isdigit():
        qs = qs.filter(body_id=request.GET["body"])
    if request.GET.get("mine"):
        qs = qs.filter(owner=request.user)
    return render(
        request,
        "meetings/action_list.html",
        {
            "actions": qs[:300],
            "status": status,
            "statuses": ActionItem.Status.choices,
            "today": timezone.localdate(),
            "can_manage": request.membership.is_manager,
            "status_form": ActionStatusForm(),
        },
    )


@municipal_view(roles=MANAGERS)
@require_POST
def action_status(request, pk):
    action = get_object_or_404(ActionItem.objects.restrict(request.membership), pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(action, form.cleaned_data["status"])
        messages.success(request, _("The action item is updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    next_url = local_path(request.POST.get("next"))
    if next_url:
        return redirect(next_url)
    return redirect("meetings:action-list", municipality=request.municipality.slug)


# --- Meeting detail and agenda ------------------------------------------------------------------


def with_descriptions(items, viewer):
    """Each item with ``shown_description``: its description as ``viewer`` (a membership; None
    on a share-link page) may read it (the count rule, ``AgendaItem.description_for``)."""
    for item in items:
        item.shown_description = item.description_for(viewer)
    return items


def _agenda_context(request, meeting, announcement=""):
    items = with_descriptions(
        list(meeting.agenda_items.order_by("position", "pk")), request.membership
    )
    total = sum(i.minutes_allotted or 0 for i in items)
    can_run = can_run_meeting(request.membership, meeting)
    return {
        "meeting": meeting,
        "items": items,
        "total_minutes": total,
        "can_run": can_run,
        "can_edit_agenda": can_run and not meeting.is_locked,
        "announcement": announcement,
    }


def _agenda_response(request, meeting, announcement=""):
    if request.htmx:
        return render(
            request, "meetings/_agenda.html", _agenda_context(request, meeting, announcement)
        )
    if announcement:
        messages.success(request, announcement)
    return redirect(meeting)


@municipal_view(roles=EVERYONE)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    attendances = list(meeting.attendances.select_related("user"))
    organisations = services.attendee_organisations(meeting)
    for a in attendances:
        a.organisation_label = a.organisation_name or organisations.get(a.user_id, "")
    context = _agenda_context(request, meeting)
    context.update(
        {
            "attendances": attendances,
            "attendance_counts": _attendance_counts(attendances),
            "action_items": meeting.action_items.select_related("owner", "owner_organisation"),
            "observations": meeting.observations.select_related("action_item__owner_organisation"),
            "can_manage": request.membership.is_manager,
            "item_form": AgendaItemForm(),
            "observation_form": (
                ObservationForm() if meeting.is_safety_walk and not meeting.is_locked else None
            ),
            "previous": meeting.previous_meeting(),
            "versions": meeting.minutes_versions.all(),
        }
    )
    return render(request, "meetings/meeting_detail.html", context)


def _attendance_counts(attendances):
    counts = {}
    for a in attendances:
        counts[a.get_status_display()] = counts.get(a.get_status_display(), 0) + 1
    return sorted(counts.items())


@municipal_view(roles=MANAGERS)
def meeting_create(request):
    initial = {}
    if request.GET.get("kind") == "safety_walk":
        initial["kind"] = "safety_walk"
    form = MeetingForm(request.POST or None, municipality=request.municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save()
            services.invite_members(meeting)
            services.fill_agenda(meeting)
        messages.success(request, _("The meeting is created."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@municipal_view(roles=MANAGERS)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
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


@municipal_view(roles=MANAGERS)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(meeting, form.cleaned_data["reason"])
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The meeting is cancelled."))
        return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting})


@municipal_view()
@require_POST
def meeting_publish(request, pk):
    meeting = _meeting_to_run(request, pk)
    try:
        with transaction.atomic():
            services.publish_agenda(meeting)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("The agenda is published. The members get an e-mail."))
    return redirect(meeting)


@municipal_view()
@require_POST
def meeting_held(request, pk):
    meeting = _meeting_to_run(request, pk)
    try:
        services.mark_held(meeting)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("The meeting is marked as held. Write the minutes."))
    return redirect(meeting)


@municipal_view()
@require_POST
def agenda_fill(request, pk):
    meeting = _meeting_to_run(request, pk)
    try:
        services.fill_agenda(meeting)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(meeting)
    return _agenda_response(request, meeting, _("The agenda is refilled."))


@municipal_view()
def agenda_item_add(request, pk):
    meeting = _meeting_to_run(request, pk)
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


def _item(request, pk, item_pk):
    meeting = _meeting_to_run(request, pk)
    return meeting, get_object_or_404(meeting.agenda_items, pk=item_pk)


@municipal_view()
def agenda_item_edit(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
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
        _error_messages(request, exc)
        return redirect(meeting)
    return _agenda_response(request, meeting, _("“%(title)s” is removed.") % {"title": item.title})


@municipal_view()
@require_POST
def agenda_item_move(request, pk, item_pk):
    meeting, item = _item(request, pk, item_pk)
    direction = -1 if request.POST.get("direction") == "up" else 1
    try:
        position = services.move_item(item, direction)
    except ValidationError as exc:
        _error_messages(request, exc)
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
    meeting = _meeting_to_run(request, pk)
    ids = [i for i in request.POST.getlist("order") if i.isdigit()]
    try:
        services.renumber(meeting, ids)
    except ValidationError as exc:
        _error_messages(request, exc)
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
        _error_messages(request, exc)
        return redirect(meeting)
    if item.shareable:
        message = _("“%(title)s” is shown on shared pages.") % {"title": item.title}
    else:
        message = _("“%(title)s” is hidden from shared pages.") % {"title": item.title}
    return _agenda_response(request, meeting, message)


# --- Share links ------------------------------------------------------------------------------


def _share_links_page(request, *, meeting=None, series=None):
    target = meeting or series
    form = ShareLinkForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
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
        messages.success(
            request, _("The share link is created. Copy it now: it is shown only once.")
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


@municipal_view(roles=MANAGERS)
def meeting_share_links(request, pk):
    return _share_links_page(request, meeting=_meeting(request, pk))


@municipal_view(roles=MANAGERS)
def series_share_links(request, pk):
    series = get_object_or_404(MeetingSeries.objects.restrict(request.membership), pk=pk)
    return _share_links_page(request, series=series)


@municipal_view(roles=MANAGERS)
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


# --- Attendance -------------------------------------------------------------------------------


@municipal_view()
def attendance(request, pk):
    meeting = _meeting_to_run(request, pk)
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


# --- Minutes ----------------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def minutes(request, pk):
    meeting = _meeting(request, pk)
    can_run = can_run_meeting(request.membership, meeting)
    can_edit = can_run and not meeting.is_locked
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
            "can_edit": can_edit,
            "can_run": can_run,
            "can_approve": can_approve_minutes(request.membership, meeting),
            "can_manage": request.membership.is_manager,
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "snapshot": (
                services.display_snapshot(versions[-1].snapshot)
                if meeting.is_locked and versions
                else None
            ),
            "reopen_form": ReopenForm(),
            "statuses": ActionItem.Status.choices,
            "today": timezone.localdate(),
            "attendances": meeting.attendances.select_related("user"),
        },
    )


@municipal_view()
@require_POST
def minutes_approve(request, pk):
    meeting = _meeting_to_approve(request, pk)
    try:
        version = services.approve_minutes(meeting, request.user)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Version %(number)s of the minutes is approved.") % {"number": version.number},
        )
    return redirect("meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk)


@municipal_view()
@require_POST
def minutes_reopen(request, pk):
    meeting = _meeting_to_approve(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the minutes need a new version."))
    else:
        try:
            services.reopen_minutes(meeting, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(
                request,
                _("A new version of the minutes is started; the approved versions are kept."),
            )
    return redirect("meetings:minutes", municipality=request.municipality.slug, pk=meeting.pk)


@municipal_view(roles=EVERYONE)
def minutes_version(request, pk, number):
    meeting = _meeting(request, pk)
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
    from weasyprint import HTML

    meeting = _meeting(request, pk)
    version = None
    if number is not None:
        version = get_object_or_404(meeting.minutes_versions, number=number)
    elif meeting.is_locked:
        version = meeting.minutes_versions.order_by("-number").first()
    snapshot = services.display_snapshot(
        version.snapshot if version else services.build_minutes_snapshot(meeting)
    )
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {"meeting": meeting, "version": version, "snapshot": snapshot, "draft": version is None},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-v{version.number}" if version else "-utkast"
    day = timezone.localtime(meeting.start).date().isoformat()
    response["Content-Disposition"] = f'inline; filename="protokoll-{day}{suffix}.pdf"'
    return response


# --- Safety walks -----------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
@require_POST
def observation_add(request, pk):
    meeting = _meeting(request, pk)
    if not meeting.is_safety_walk:
        raise Http404
    walk_closed = _("The minutes of this walk are approved: no more observations can be recorded.")
    if meeting.is_locked:
        messages.error(request, walk_closed)
        return redirect(meeting.get_absolute_url() + "#observations")
    form = ObservationForm(request.POST)
    if form.is_valid():
        observation = form.save(commit=False)
        observation.meeting = meeting
        observation.municipality = meeting.municipality
        observation.created_by = request.user
        try:
            observation.save()
        except MinutesLocked:  # approved since the page was read
            messages.error(request, walk_closed)
        else:
            messages.success(request, _("The observation is recorded."))
        return redirect(meeting.get_absolute_url() + "#observations")
    context = _agenda_context(request, meeting)
    context.update(
        {
            "attendances": list(meeting.attendances.select_related("user")),
            "action_items": meeting.action_items.all(),
            "observations": meeting.observations.all(),
            "can_manage": request.membership.is_manager,
            "item_form": AgendaItemForm(),
            "observation_form": form,
            "versions": meeting.minutes_versions.all(),
        }
    )
    context["attendance_counts"] = _attendance_counts(context["attendances"])
    return render(request, "meetings/meeting_detail.html", context, status=400)


@municipal_view(roles=MANAGERS)
def observation_action(request, pk, obs_pk):
    meeting = _meeting(request, pk)
    observation = get_object_or_404(meeting.observations, pk=obs_pk)
    if meeting.is_locked:
        messages.error(
            request,
            _(
                "The minutes of this walk are approved: no action item can be added to them. "
                "Start a new version of the minutes first."
            ),
        )
        return redirect(meeting.get_absolute_url() + "#observations")
    form = ObservationActionForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_to_action(observation, **form.cleaned_data)
        except MinutesLocked as exc:  # approved since the page was read
            _error_messages(request, exc)
        else:
            messages.success(request, _("An action item is created for the observation."))
        return redirect(meeting.get_absolute_url() + "#observations")
    return render(
        request,
        "meetings/observation_action.html",
        {"form": form, "meeting": meeting, "observation": observation},
    )


# --- Series -----------------------------------------------------------------------------------


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
        {"series_list": series, "can_manage": request.membership.is_manager},
    )


@municipal_view(roles=MANAGERS)
def series_detail(request, pk):
    series = get_object_or_404(
        MeetingSeries.objects.restrict(request.membership).select_related("body"), pk=pk
    )
    meetings = series.meetings.filter(end__gte=timezone.now()).order_by("start")[:20]
    return render(request, "meetings/series_detail.html", {"series": series, "meetings": meetings})


@municipal_view(roles=MANAGERS)
def series_form(request, pk=None):
    series = None
    if pk is not None:
        series = get_object_or_404(MeetingSeries.objects.restrict(request.membership), pk=pk)
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
                _("The series is saved; %(count)s new meetings are planned.") % {"count": created},
            )
        else:
            messages.success(
                request,
                _(
                    "The series is saved: %(updated)s planned meetings follow the change, "
                    "%(cancelled)s are cancelled and %(created)s new ones are planned. Meetings "
                    "moved or changed by hand are left as they are."
                )
                % {"updated": updated, "cancelled": cancelled, "created": created},
            )
        return redirect(series)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@municipal_view(roles=MANAGERS)
@require_POST
def series_generate(request, pk):
    series = get_object_or_404(MeetingSeries.objects.restrict(request.membership), pk=pk)
    with transaction.atomic():
        created = services.generate_meetings(series=[series])
        services.refresh_upcoming_agendas(meetings=series.meetings.all())
    messages.success(request, _("%(count)s new meetings are planned.") % {"count": len(created)})
    return redirect(series)


# --- Calendar feeds -----------------------------------------------------------------------------


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _feed_window():
    return timezone.now() - datetime.timedelta(days=180)


@municipal_view(roles=EVERYONE)
def body_feed(request, pk):
    """A body's feed for a logged-in browser (session). Calendar apps cannot log in: they use a
    private address made on the calendar page (``CalendarToken`` for this person and body,
    served by ``personal_feed``). The token is tied to a person rather than to the body, so a
    leaver's address stops working and the feed never shows more than that person may see;
    it is stored hashed and revocable, like share links."""
    body = get_object_or_404(Body.objects.restrict(request.membership), pk=pk)
    is_member = Membership.objects.current().filter(body=body, user=request.user).exists()
    if not (request.membership.is_manager or is_member):
        raise Http404
    meetings = (
        Meeting.objects.restrict(request.membership)
        .filter(body=body, start__gte=_feed_window())
        .select_related("municipality")
    )
    return _ics_response(ical.build_calendar(meetings, body.name), f"{body.pk}.ics")


@municipal_view(roles=EVERYONE)
def calendar(request):
    visible_bodies = Body.objects.restrict(request.membership)
    if not request.membership.is_manager:
        visible_bodies = visible_bodies.filter(
            pk__in=Membership.objects.current().filter(user=request.user).values("body_id")
        )
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


# --- Pages without a municipality (urls_public) --------------------------------------------------


def _no_index(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    # Referrer-Policy stays "same-origin" (settings): the token never leaves in a Referer to
    # another site (the video link, say), and the RSVP form keeps a real Origin for CSRF
    # ("no-referrer" would make the browser send Origin: null and the POST fail).
    return response


GUEST_COOKIE = "trygghet_guest"
REPLIES_PER_LINK = "share-link-replies-per-link"
REPLIES_PER_ADDRESS = "share-link-replies-per-address"


def _guest_key(request):
    """The guest token the browser keeps for this link, if it looks like one of ours."""
    key = request.COOKIES.get(GUEST_COOKIE, "")
    return key if 40 <= len(key) <= 64 and key.replace("-", "").replace("_", "").isalnum() else None


def _answer_initial(attendance):
    if attendance is None:
        return {}
    return {
        "name": attendance.name,
        "organisation": attendance.organisation_name,
        "attending": "yes"
        if attendance.status in (Attendance.Status.ATTENDING, Attendance.Status.PRESENT)
        else "no",
    }


def _seconds_to_wait_for_a_reply(request, link):
    """Counts this reply against its link and its client address (django-ratelimit, in the
    cache); the seconds to wait if either is over its limit, else None."""
    waits = []
    for group, value, rate in (
        (REPLIES_PER_LINK, str(link.pk), settings.SHARE_LINK_REPLIES_PER_LINK),
        (REPLIES_PER_ADDRESS, client_ip(request), settings.SHARE_LINK_REPLIES_PER_ADDRESS),
    ):
        usage = get_usage(
            request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=True
        )
        if usage is not None and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def _too_many_replies(request, link, seconds):
    response = render(
        request,
        "meetings/shared_too_many.html",
        {"link": link, "minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return _no_index(response)


def _keep_guest_key(response, request, link, guest_key):
    """The guest's token, in a cookie only this link's address gets, for as long as it works."""
    response.set_cookie(
        GUEST_COOKIE,
        guest_key,
        max_age=max(60, int((link.expires_at - timezone.now()).total_seconds())),
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _scoped_by_share_link(view):
    """Run a share-link page inside the scope of the link's municipality. The token is the
    only key and it says nothing of its municipality, so finding which one is a deliberate
    read across municipalities; an unknown token gets a scope that finds nothing."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        with scopes_disabled():
            municipality_id = (
                ShareLink.objects.filter(token_hash=services.hash_token(token))
                .values_list("municipality_id", flat=True)
                .first()
            )
        with municipality_scope([municipality_id] if municipality_id else []):
            return view(request, token, *args, **kwargs)

    return wrapper


@_scoped_by_share_link
def shared_agenda(request, token):
    """The read-only agenda behind a share link: shareable items only; guests answer there."""
    from .forms import GuestResponseForm

    link = services.find_share_link(token)
    if link is None:
        return _no_index(
            render(request, "meetings/shared_invalid.html", {"reason": "unknown"}, status=404)
        )
    if link.is_revoked or link.is_expired:
        # No opening is written: only valid openings are (issue 9).
        outcome = "revoked" if link.is_revoked else "expired"
        return _no_index(
            render(request, "meetings/shared_invalid.html", {"reason": outcome}, status=410)
        )
    meeting = services.shared_meeting(link)
    guest_key = _guest_key(request)
    own_answer = services.guest_answer(link, meeting, guest_key)
    form = GuestResponseForm(request.POST or None, initial=_answer_initial(own_answer))
    responded = None
    if request.method == "POST":
        if meeting is None or meeting.is_locked:
            raise Http404
        wait = _seconds_to_wait_for_a_reply(request, link)
        if wait is not None:
            return _too_many_replies(request, link, wait)
        if form.is_valid():
            try:
                responded, guest_key = services.record_guest_response(
                    link,
                    meeting,
                    guest_key=guest_key,
                    name=form.cleaned_data["name"],
                    organisation=form.cleaned_data["organisation"],
                    attending=form.cleaned_data["attending"],
                )
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                services.log_opening(link, "rsvp", request)
                own_answer = responded
                form = GuestResponseForm(initial=_answer_initial(own_answer))
    else:
        services.log_opening(link, "shown", request)
    items = []
    upcoming = []
    if meeting is not None:
        items = with_descriptions(
            list(meeting.agenda_items.filter(shareable=True).order_by("position", "pk")), None
        )
        if link.series_id:
            upcoming = list(
                link.series.meetings.filter(start__gt=meeting.start).order_by("start")[:6]
            )
    response = render(
        request,
        "meetings/shared_agenda.html",
        {
            "link": link,
            "meeting": meeting,
            "items": items,
            "upcoming": upcoming,
            "form": form,
            "responded": responded,
            "own_answer": own_answer,
        },
    )
    if responded is not None:
        _keep_guest_key(response, request, link, guest_key)
    return _no_index(response)


def personal_feed(request, token):
    """A person's private feed: their meetings in every municipality, or one body's."""
    from councils.models import Municipality, MunicipalityMembership

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
        elif membership.is_manager:
            # A coordinator's own feed: meetings they are invited to, not the whole municipality.
            qs = qs.filter(
                Q(attendances__user=user)
                | Q(body__memberships__in=Membership.objects.current().filter(user=user))
            )
        ids.update(qs.filter(start__gte=_feed_window()).values_list("pk", flat=True))
    CalendarToken.objects.filter(pk=calendar_token.pk).update(last_used_at=timezone.now())
    name = calendar_token.body.name if calendar_token.body_id else _("My meetings")
    with municipality_scope(municipalities):
        meetings = Meeting.objects.filter(pk__in=ids).select_related("municipality")
        return _ics_response(ical.build_calendar(meetings.order_by("start"), name), "trygghet.ics")


@municipal_view(roles=EVERYONE)
def observation_map_data(request):
    """Open safety-walk observations with a position, in the incident map's layer format.

    The incident map passes its own filter; area and period narrow the observations too.
    """
    from django.http import JsonResponse

    from councils.models import Area

    from .map_layers import observation_features

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

"""Pages of incidents: the list, the exports, one incident, logging, editing and withdrawing.

Every query starts from ``Incident.objects.restrict(request.membership)``: a private company's
partner never meets a restricted incident, in a list, the map, an export, a detail, a history,
a duplicate warning or a count (every figure follows the count rule of
``trygghet.tenancy.sees_restricted``: what they can list, no more).
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from trygghet import offline
from trygghet.access import municipal_view
from trygghet.limits import in_range
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions
from ..forms.incidents import IncidentEditForm, IncidentForm, WithdrawForm
from ..models import Incident
from ..permissions import LOGGERS
from ..services import exports, incidents
from .listing import filtered, querystring, url

PAGE_SIZE = 50


def _sort_headers(request):
    current = request.GET.get("sort", "")
    headers = []
    for key, label in [
        ("date", _("When")),
        ("category", _("Category")),
        ("area", _("Area")),
        ("severity", _("Severity")),
        ("source", _("Source")),
    ]:
        if current == key:
            next_sort, state = f"-{key}", "ascending"
        elif current == f"-{key}" or (not current and key == "date"):
            next_sort, state = key, "descending"
        else:
            next_sort, state = (f"-{key}" if key in ("date", "severity") else key), None
        headers.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "url": "?" + querystring(request, drop=("page", "sort"), sort=next_sort),
            }
        )
    return headers


@municipal_view(roles=EVERYONE)
def incident_list(request):
    incident_filter, qs = filtered(request)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = querystring(request)
    return render(
        request,
        "situation_reports/incident_list.html",
        {
            "filter": incident_filter,
            "page_obj": page,
            "incidents": page.object_list,
            "query": query,
            "page_query": querystring(request, drop=("page",)),
            "sort_headers": _sort_headers(request),
            "can_log": permissions.can_log(request.membership),
            "can_import": permissions.can_import(request.membership),
            "is_filtered": bool(request.GET.keys() - {"page", "sort"}),
        },
    )


@municipal_view(roles=EVERYONE)
def incident_export(request, fmt):
    _filter, qs = filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = pgettext("file name", "incidents")
    filename = f"{name}-{request.municipality.slug}-{stamp}"
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # An export carries the full text: each restricted incident in it counts as read.
    incidents.log_bulk_access(qs, request.user)
    if fmt == "csv":
        return exports.csv_response(qs, filename)
    if fmt == "xlsx":
        return exports.xlsx_response(qs, filename)
    raise Http404


@municipal_view(roles=EVERYONE)
def incident_detail(request, pk):
    incident = get_object_or_404(
        Incident.objects.restrict(request.membership).select_related(
            "category", "area", "organisation", "created_by", "withdrawn_by", "municipality"
        ),
        pk=pk,
    )
    incidents.log_access(incident, request.user)
    membership = request.membership
    return render(
        request,
        "situation_reports/incident_detail.html",
        {
            "incident": incident,
            "history": incidents.history_entries(incident, request.membership),
            "can_edit": permissions.can_edit_incident(membership, incident),
            "can_withdraw": permissions.can_withdraw_incident(membership, incident),
            "withdraw_form": WithdrawForm(),
            "access_log": (
                incident.access_logs.select_related("user")[:20]
                if permissions.can_read_access_log(membership, incident)
                else None
            ),
        },
    )


def when_to_carry_over(incident):
    """The query string of "save and log another": the saved incident's date, and its time
    (or its part of the day when the time was unknown)."""
    when = {"date": incident.occurred_on.isoformat()}
    if incident.started_at is not None:
        when["time"] = timezone.localtime(incident.started_at).strftime("%H:%M")
    elif incident.part_of_day:
        when["part"] = incident.part_of_day
    return when


def carried_over_when(query):
    """The date and time carried over in ``query``, or None; a value that is not a sane date,
    time or part of the day is ignored (the form then proposes today and now)."""
    try:
        date = datetime.date.fromisoformat(query.get("date", ""))
    except ValueError:
        return None
    if not in_range(date) or date > timezone.localdate():
        return None
    when = {"date": date, "time": None}
    try:
        when["time"] = datetime.time.fromisoformat(query.get("time", "")).replace(
            second=0, microsecond=0, tzinfo=None
        )
    except ValueError:
        part = query.get("part", "")
        if part in Incident.PartOfDay.values:
            when["part_of_day"] = part
        else:
            # No usable time: the time of day now, as on a fresh form (it is not in the future
            # on a past date; on today's, it is now).
            when["time"] = timezone.localtime().time().replace(second=0, microsecond=0)
    return when


@municipal_view(roles=LOGGERS)
@offline.answers_page_fetch
def incident_create(request):
    membership = request.membership
    initial = {}
    last_area = incidents.last_area_used(membership)
    if last_area is not None:
        initial["area"] = last_area.pk
    # "Save and log another" carries the date and the time over: a weekend is logged day by
    # day, and the time of Saturday's incident is a better guess for the next one than "now".
    carried_over = carried_over_when(request.GET)
    if carried_over:
        initial["occurred_on"] = carried_over["date"]
        initial["start_time"] = carried_over.get("time")
        initial["part_of_day"] = carried_over.get("part_of_day", "")
    posted = request.method == "POST"
    form = IncidentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        membership=membership,
        initial=initial,
    )
    queued = posted and offline.is_queue_request(request)
    duplicates = []
    if posted and form.is_valid():
        # An entry from the device's offline queue skips the near-duplicate question: nobody is
        # at the form to answer it when the queue is sent, and the entry's key already keeps a
        # retry or a second send of the same entry from being saved twice.
        duplicates = [] if queued else form.duplicates()
        if duplicates and not form.cleaned_data.get("confirm_duplicate"):
            form.show_duplicate_confirmation = True
        else:
            incident = form.save(commit=False)
            incident.municipality = request.municipality
            incident.created_by = request.user
            incident.source = Incident.Source.MANUAL
            incident, created = offline.save_once(form, incident, user=request.user)
            if incident is not None:
                return _saved(request, incident, created=created, queued=queued)
    if queued:
        return offline.queue_refused(form)
    response = render(
        request,
        "situation_reports/incident_form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "is_new": True,
            "carried_over": carried_over if request.method == "GET" else None,
        },
        status=200,
    )
    # The service worker keeps this page (and no other) for a reload without a connection.
    response["X-Trygghet-Offline"] = "form"
    return response


def _saved(request, incident, *, created, queued):
    """The answer to a saved incident (``created`` False: sent before with the same key)."""
    saved_visible = request.membership.can_read_restricted or not incident.is_restricted
    address = incident.get_absolute_url() if saved_visible else url("incident-list", request)
    if queued:
        return offline.queue_saved(address, created=created)
    if saved_visible:
        messages.success(
            request,
            _("The incident “%(incident)s” was saved.") % {"incident": incident},
        )
    else:
        messages.success(
            request,
            _("The incident was saved as restricted: only public authorities can see it now."),
        )
    if "save_and_add" in request.POST:
        address = url("incident-create", request)
        return redirect(f"{address}?{urlencode(when_to_carry_over(incident))}")
    return redirect(address)


@municipal_view(roles=LOGGERS)
def incident_edit(request, pk):
    incident = get_object_or_404(Incident.objects.restrict(request.membership), pk=pk)
    if not permissions.can_edit_incident(request.membership, incident):
        raise PermissionDenied
    if request.method == "GET":
        incidents.log_access(incident, request.user)  # the edit form shows it all
    confidentiality_before = incident.confidentiality
    form = IncidentEditForm(
        request.POST if request.method == "POST" else None,
        instance=incident,
        membership=request.membership,
    )
    if request.method == "POST" and form.is_valid():
        incident = form.save(commit=False)
        incident._change_reason = form.cleaned_data.get("change_reason") or ""
        with transaction.atomic():
            incident.save()
            incidents.record_confidentiality(incident, confidentiality_before, request=request)
        messages.success(request, _("The incident was updated."))
        return redirect(incident.get_absolute_url())
    return render(
        request,
        "situation_reports/incident_form.html",
        {"form": form, "incident": incident, "is_new": False},
    )


@require_POST
@municipal_view(roles=MANAGERS)
def incident_withdraw(request, pk):
    incident = get_object_or_404(Incident.objects.restrict(request.membership), pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        incidents.withdraw(incident, request.user, form.cleaned_data["reason"])
        messages.success(request, _("The incident was withdrawn."))
        return redirect(incident.get_absolute_url())
    incidents.log_access(incident, request.user)
    return render(
        request,
        "situation_reports/incident_detail.html",
        {
            "incident": incident,
            "history": incidents.history_entries(incident, request.membership),
            "can_edit": permissions.can_edit_incident(request.membership, incident),
            "can_withdraw": True,
            "withdraw_form": form,
        },
        status=400,
    )

"""Pages of incidents and upcoming events.

Every query starts from ``Incident.objects.restrict(request.membership)``: a private company's
partner never meets a restricted incident, in a list, the map, an export, a detail, a history,
a duplicate warning or a count (every figure follows the count rule of
``trygghet.tenancy.sees_restricted``: what they can list, no more).
"""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import Avg, Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.models import Area
from trygghet import limits
from trygghet.access import ADMIN, COORDINATOR, EVERYONE, MANAGERS, PARTNER, municipal_view

from . import csv_import, exports, incidents, upcoming
from .filters import IncidentFilter
from .forms import (
    IncidentCategoryForm,
    IncidentEditForm,
    IncidentForm,
    IncidentImportForm,
    UpcomingEventForm,
    WithdrawForm,
)
from .models import Incident, IncidentCategory, PoliceImportSetting, UpcomingEvent

logger = logging.getLogger(__name__)

LOGGERS = (ADMIN, COORDINATOR, PARTNER)
PAGE_SIZE = 50
MAP_MAX_MARKERS = 5000


def _url(name, request, **kwargs):
    return reverse(
        f"situation_reports:{name}", kwargs={"municipality": request.municipality.slug, **kwargs}
    )


def _filtered(request):
    """The filter and its queryset: one definition for the list, the map and the exports."""
    base = Incident.objects.restrict(request.membership).select_related(
        "category", "area", "organisation", "municipality"
    )
    incident_filter = IncidentFilter(
        request.GET or None, queryset=base, membership=request.membership
    )
    return incident_filter, incident_filter.qs


def _querystring(request, drop=("page",), **extra):
    params = [
        (key, value)
        for key, values in request.GET.lists()
        for value in values
        if key not in drop and key not in extra and value != ""
    ]
    params += [(k, v) for k, v in extra.items() if v not in (None, "")]
    return urlencode(params)


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
                "url": "?" + _querystring(request, drop=("page", "sort"), sort=next_sort),
            }
        )
    return headers


@municipal_view(roles=EVERYONE)
def incident_list(request):
    incident_filter, qs = _filtered(request)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = _querystring(request)
    return render(
        request,
        "situation_reports/incident_list.html",
        {
            "filter": incident_filter,
            "page_obj": page,
            "incidents": page.object_list,
            "query": query,
            "page_query": _querystring(request, drop=("page",)),
            "sort_headers": _sort_headers(request),
            "can_log": request.membership.role in LOGGERS,
            "can_import": request.membership.is_manager,
            "is_filtered": bool(request.GET.keys() - {"page", "sort"}),
        },
    )


@municipal_view(roles=EVERYONE)
def incident_map(request):
    incident_filter, qs = _filtered(request)
    query = _querystring(request)
    # The map draws one list of layers; other apps (safety-walk observations) add theirs here.
    layers = [
        {
            "name": "incidents",
            "label": _("Incidents"),
            "url": _url("incident-map-data", request) + (f"?{query}" if query else ""),
            "colour": "#b02a37",
        },
        {
            # Unsafe places seen on safety walks (meetings app), narrowed by area and period.
            "name": "observations",
            "label": _("Unsafe places from safety walks"),
            "url": reverse(
                "meetings:observation-map-data",
                kwargs={"municipality": request.municipality.slug},
            )
            + (f"?{query}" if query else ""),
            "colour": "#0f5132",
        },
    ]
    areas = list(
        Area.objects.filter(municipality=request.municipality, latitude__isnull=False)
        .values("name", "latitude", "longitude")
        .order_by("name")
    )
    return render(
        request,
        "situation_reports/incident_map.html",
        {
            "filter": incident_filter,
            "query": query,
            "layers": layers,
            "map_config": {
                "tileUrl": _tile_url(),
                "attribution": _tile_attribution(),
                "layers": layers,
                "areas": [
                    {"name": a["name"], "lat": float(a["latitude"]), "lng": float(a["longitude"])}
                    for a in areas
                ],
            },
            "has_tiles": bool(_tile_url()),
        },
    )


def _tile_url():
    from django.conf import settings

    return getattr(settings, "MAP_TILE_URL", "")


def _tile_attribution():
    from django.conf import settings

    return getattr(settings, "MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")


def municipality_centre(municipality):
    """The mean of the area centres: where incidents without an area are shown."""
    centre = Area.objects.filter(municipality=municipality, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude")
    )
    if centre["lat"] is None:
        return None
    return float(centre["lat"]), float(centre["lng"])


@municipal_view(roles=EVERYONE)
def incident_map_data(request):
    """The filtered set as map points. Without its own position an incident is placed at its
    area's centre (or the municipality's) and marked ``approximate``."""
    _filter, qs = _filtered(request)
    total = qs.count()
    rows = qs.values(
        "pk",
        "occurred_on",
        "started_at",
        "latitude",
        "longitude",
        "category__name",
        "area__name",
        "area__latitude",
        "area__longitude",
        "place",
        "severity",
    )[:MAP_MAX_MARKERS]
    centre = municipality_centre(request.municipality)
    detail_base = _url("incident-detail", request, pk=0)[:-2]
    points, unplaced = [], 0
    for row in rows:
        if row["latitude"] is not None:
            lat, lng, approx = float(row["latitude"]), float(row["longitude"]), None
        elif row["area__latitude"] is not None:
            lat, lng = float(row["area__latitude"]), float(row["area__longitude"])
            approx = "area"
        elif centre is not None:
            lat, lng, approx = *centre, "municipality"
        else:
            unplaced += 1
            continue
        when = row["occurred_on"].isoformat()
        if row["started_at"]:
            when += timezone.localtime(row["started_at"]).strftime(" %H:%M")
        points.append(
            {
                "id": row["pk"],
                "lat": lat,
                "lng": lng,
                "approximate": approx,
                "title": row["category__name"],
                "when": when,
                "where": ", ".join(x for x in (row["area__name"], row["place"]) if x),
                "severity": row["severity"],
                "url": f"{detail_base}{row['pk']}/",
            }
        )
    return JsonResponse(
        {
            "total": total,
            "shown": len(points),
            "unplaced": unplaced,
            "truncated": total > MAP_MAX_MARKERS,
            "points": points,
            "labels": {
                "area": _("shown at the centre of its area"),
                "municipality": _("shown at the centre of the municipality"),
                "open": _("Open the incident"),
            },
        }
    )


@municipal_view(roles=EVERYONE)
def incident_export(request, fmt):
    _filter, qs = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"handelser-{request.municipality.slug}-{stamp}"
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
            "can_edit": _can_edit(membership, incident),
            "can_withdraw": membership.is_manager and not incident.is_withdrawn,
            "withdraw_form": WithdrawForm(),
            "access_log": (
                incident.access_logs.select_related("user")[:20]
                if incident.is_restricted and membership.is_manager
                else None
            ),
        },
    )


def _can_edit(membership, incident):
    if incident.is_withdrawn or incident.source == Incident.Source.POLICE_OPEN_DATA:
        return False
    return membership.is_manager or (
        membership.role in LOGGERS and incident.created_by_id == membership.user_id
    )


@municipal_view(roles=LOGGERS)
def incident_create(request):
    membership = request.membership
    initial = {}
    last_area = incidents.last_area_used(membership)
    if last_area is not None:
        initial["area"] = last_area.pk
    # "Save and log another" carries the date over: a weekend is logged day by day.
    if request.GET.get("date"):
        initial["occurred_on"] = request.GET["date"]
    form = IncidentForm(
        request.POST if request.method == "POST" else None, membership=membership, initial=initial
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = form.duplicates()
        if duplicates and not form.cleaned_data.get("confirm_duplicate"):
            form.show_duplicate_confirmation = True
        else:
            incident = form.save(commit=False)
            incident.municipality = request.municipality
            incident.created_by = request.user
            incident.source = Incident.Source.MANUAL
            with transaction.atomic():
                incident.save()
            saved_visible = membership.can_read_restricted or not incident.is_restricted
            if saved_visible:
                messages.success(
                    request,
                    _("The incident “%(incident)s” was saved.") % {"incident": incident},
                )
            else:
                messages.success(
                    request,
                    _(
                        "The incident was saved as restricted: only public authorities can "
                        "see it now."
                    ),
                )
            if "save_and_add" in request.POST:
                url = _url("incident-create", request)
                return redirect(f"{url}?{urlencode({'date': incident.occurred_on.isoformat()})}")
            if saved_visible:
                return redirect(incident.get_absolute_url())
            return redirect(_url("incident-list", request))
    return render(
        request,
        "situation_reports/incident_form.html",
        {"form": form, "duplicates": duplicates, "is_new": True},
        status=200,
    )


@municipal_view(roles=LOGGERS)
def incident_edit(request, pk):
    incident = get_object_or_404(Incident.objects.restrict(request.membership), pk=pk)
    if not _can_edit(request.membership, incident):
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
            "can_edit": _can_edit(request.membership, incident),
            "can_withdraw": True,
            "withdraw_form": form,
        },
        status=400,
    )


# --- CSV import -----------------------------------------------------------------------------

IMPORT_SESSION_KEY = "situation_reports_import"


@municipal_view(roles=MANAGERS)
def incident_import(request):
    """Step 1: upload, and see every row with its errors. Nothing is saved yet."""
    form = IncidentImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            text = csv_import.decode(form.cleaned_data["file"].read())
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            preview = csv_import.preview(text, request.membership)
            if preview.fatal:
                form.add_error("file", preview.fatal)
                preview = None
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "municipality": request.municipality.pk,
                    "name": form.cleaned_data["file"].name,
                    "text": text,
                }
    setting = PoliceImportSetting.objects.filter(municipality=request.municipality).first()
    return render(
        request,
        "situation_reports/incident_import.html",
        {"form": form, "preview": preview, "police_setting": setting},
    )


@require_POST
@municipal_view(roles=MANAGERS)
def police_import_switch(request):
    """Switch the periodic fetch of the police's open data on or off for the municipality."""
    setting, _created = PoliceImportSetting.objects.get_or_create(municipality=request.municipality)
    setting.enabled = request.POST.get("enabled") == "on"
    setting.save(update_fields=["enabled"])
    if setting.enabled:
        messages.success(request, _("The police's open data will be fetched automatically."))
    else:
        messages.success(request, _("The police's open data is no longer fetched automatically."))
    return redirect(_url("incident-import", request))


@require_POST
@municipal_view(roles=MANAGERS)
def incident_import_confirm(request):
    """Step 2: import the valid rows of the previewed file, in one transaction."""
    # Taken out of the session first: a file whose import fails is never tried again (issue #10:
    # one bad file made every later confirm fail).
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored or stored.get("municipality") != request.municipality.pk:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect(_url("incident-import", request))
    try:
        result = csv_import.import_rows(stored["text"], request.membership)
    except DatabaseError:
        logger.exception("CSV import of %s failed in %s", stored["name"], request.municipality)
        messages.error(
            request,
            _(
                "Nothing was imported: the file could not be saved. Check it and upload it "
                "again; if this happens again, tell the administrator."
            ),
        )
        return redirect(_url("incident-import", request))
    messages.success(
        request,
        _(
            "%(created)s incidents imported from %(name)s; %(existing)s were already there, "
            "%(invalid)s rows had errors and were left out."
        )
        % {
            "created": result.created,
            "name": stored["name"],
            "existing": result.existing,
            "invalid": result.invalid,
        },
    )
    return redirect(_url("incident-list", request) + "?source=import")


# --- Upcoming events ------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def upcoming_list(request):
    today = timezone.localdate()
    show_past = request.GET.get("past") == "1"
    qs = UpcomingEvent.objects.restrict(request.membership).select_related("area")
    if not show_past:
        qs = qs.filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
    form = None
    if request.membership.is_manager:
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
        return redirect(_url("upcoming-list", request))
    return render(request, "situation_reports/upcoming_form.html", {"form": form})


@require_POST
@municipal_view(roles=MANAGERS)
def upcoming_delete(request, pk):
    event = get_object_or_404(UpcomingEvent.objects.restrict(request.membership), pk=pk)
    event.delete()
    messages.success(request, _("“%(title)s” was removed.") % {"title": event.title})
    return redirect(_url("upcoming-list", request))


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
    return redirect(_url("upcoming-list", request))


# --- Categories -----------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def category_list(request):
    """The national categories and the municipality's own; managers add and retire their own."""
    municipality = request.municipality
    form = None
    if request.membership.is_manager:
        form = IncidentCategoryForm(
            request.POST if request.method == "POST" else None, municipality=municipality
        )
        if request.method == "POST" and "toggle" in request.POST:
            pk = limits.parse_id(request.POST["toggle"])
            if pk is None:  # the button posts an id: anything else is a forged request
                return HttpResponseBadRequest(_("No such category."))
            category = get_object_or_404(IncidentCategory, municipality=municipality, pk=pk)
            category.is_active = not category.is_active
            category.save(update_fields=["is_active"])
            return redirect(_url("category-list", request))
        if request.method == "POST" and form.is_valid():
            category = form.save()
            messages.success(request, _("The category “%(name)s” was added.") % {"name": category})
            return redirect(_url("category-list", request))
    elif request.method == "POST":
        raise PermissionDenied
    categories = IncidentCategory.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("municipality", "position", "name")
    return render(
        request,
        "situation_reports/category_list.html",
        {"categories": categories, "form": form},
    )

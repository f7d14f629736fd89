"""The incident map: the filtered incidents (the same filter as the list) and the other apps'
layers, drawn with Leaflet from JSON.

An incident without its own position is placed at its area's centre (or the municipality's)
and marked approximate.
"""

from django.conf import settings
from django.db.models import Avg
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Area
from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE

from .listing import filtered, querystring, url

MAP_MAX_MARKERS = 5000


@municipal_view(roles=EVERYONE)
def incident_map(request):
    incident_filter, qs = filtered(request)
    query = querystring(request)
    # The map draws one list of layers; other apps (safety-walk observations) add theirs here.
    layers = [
        {
            "name": "incidents",
            "label": _("Incidents"),
            "url": url("incident-map-data", request) + (f"?{query}" if query else ""),
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
    return getattr(settings, "MAP_TILE_URL", "")


def _tile_attribution():
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
    _filter, qs = filtered(request)
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
    detail_base = url("incident-detail", request, pk=0)[:-2]
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

"""The incident map: the filtered incidents (the same filter as the list) and the other apps'
layers, drawn with Leaflet from JSON over the outlines of the municipality and its areas (no
tile server needed), markers clustered.

An incident without its own position is not drawn as a marker (323 of 482 once piled up on the
area centres): it is counted on its area's outline (or label, for an area without one), and on
the municipality for one without an area.
"""

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from councils.models import Area
from councils.services.geography import municipality_outline
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
    areas = Area.objects.filter(municipality=request.municipality).filter(
        Q(latitude__isnull=False) | Q(outline__isnull=False)
    )
    area_config = [
        {
            "name": a.name,
            "lat": float(a.latitude) if a.latitude is not None else None,
            "lng": float(a.longitude) if a.longitude is not None else None,
            "outline": a.outline,
        }
        for a in areas.order_by("name")
    ]
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
                "areas": area_config,
                "municipality": municipality_outline(request.municipality),
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
@gzip_page
def incident_map_data(request):
    """The filtered set: the incidents with a position of their own as map points, and how many
    without one each area holds (``areas``; ``""`` for those without an area).

    Compressed when the browser accepts it (5,000 points are ~1 MB of JSON, ~10% of that
    gzipped). Only this answer, not every page: it holds no secret a page's CSRF token would
    put beside the visitor's own input (BREACH)."""
    _filter, qs = filtered(request)
    total = qs.count()
    rows = qs.filter(latitude__isnull=False, longitude__isnull=False).values(
        "pk",
        "occurred_on",
        "started_at",
        "latitude",
        "longitude",
        "category__name",
        "area__name",
        "place",
        "severity",
    )[:MAP_MAX_MARKERS]
    without = (
        qs.filter(latitude__isnull=True)
        .values("area__name")
        .annotate(count=Count("pk"))
        .order_by("area__name")
    )
    detail_base = url("incident-detail", request, pk=0)[:-2]
    points = []
    for row in rows:
        when = row["occurred_on"].isoformat()
        if row["started_at"]:
            when += timezone.localtime(row["started_at"]).strftime(" %H:%M")
        points.append(
            {
                "id": row["pk"],
                "lat": float(row["latitude"]),
                "lng": float(row["longitude"]),
                "approximate": None,
                "title": row["category__name"],
                "when": when,
                "where": ", ".join(x for x in (row["area__name"], row["place"]) if x),
                "severity": row["severity"],
                "url": f"{detail_base}{row['pk']}/",
            }
        )
    counts = {row["area__name"] or "": row["count"] for row in without}
    with_position = total - sum(counts.values())
    return JsonResponse(
        {
            "total": total,
            "shown": len(points),
            "without_position": sum(counts.values()),
            "areas": [{"name": name, "without_position": count} for name, count in counts.items()],
            "unplaced": counts.get("", 0),
            "truncated": with_position > MAP_MAX_MARKERS,
            "points": points,
            "labels": {
                "without": _("%(count)s without a position"),
                "open": _("Open the incident"),
                "cluster": _("%(count)s incidents here: zoom in"),
            },
        }
    )

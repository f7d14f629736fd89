"""Safety-walk observations as a layer of the incident map (wired in by the lead)."""

from .models import Observation


def observation_features(membership, filters=None):
    """Open observations with a position, as GeoJSON Feature dicts.

    ``filters`` may hold ``area`` (an Area or its pk), ``since`` and ``until`` (dates of the walk).
    """
    filters = filters or {}
    qs = (
        Observation.objects.restrict(membership)
        .filter(status=Observation.Status.OPEN, latitude__isnull=False, longitude__isnull=False)
        .select_related("meeting", "meeting__municipality")
    )
    if filters.get("area"):
        qs = qs.filter(meeting__area=filters["area"])
    if filters.get("since"):
        qs = qs.filter(meeting__start__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(meeting__start__date__lte=filters["until"])
    return [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(o.longitude), float(o.latitude)],
            },
            "properties": {
                "kind": "unsafe_place",
                "id": o.pk,
                "place": o.place,
                "category": o.category,
                "category_label": str(o.get_category_display()),
                "description": o.description,
                "walk_date": o.meeting.start.date().isoformat(),
                "url": o.get_absolute_url(),
            },
        }
        for o in qs
    ]

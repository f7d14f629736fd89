"""Map widgets of forms, drawn with Leaflet from static/councils/map_widgets.js.

Both keep the plain fields a keyboard or a screen-reader user types into: the map is a help
beside them, never the only way in.

- ``OutlineWidget``: a GeoJSON text area with a map above it on which the outline is drawn and
  edited (Leaflet-Geoman); the municipality's outline and the other areas are shown for
  reference.
- ``position_picker_attrs``: the attributes that make a latitude field the anchor of a map on
  which a click (or Enter on the map's centre cross) sets latitude and longitude; the
  map stays out of the Tab order, the fields being the keyboard's way in.
"""

import json

from django import forms
from django.utils.translation import gettext as _


def map_context(municipality, *, exclude_area=None):
    """What the map widgets draw for reference: the municipality's outline and its areas'."""
    from councils.models import Area
    from councils.services.geography import municipality_outline

    areas = Area.objects.filter(municipality=municipality, outline__isnull=False)
    if exclude_area is not None and exclude_area.pk:
        areas = areas.exclude(pk=exclude_area.pk)
    return {
        "municipality": municipality_outline(municipality),
        "areas": [{"name": a.name, "outline": a.outline} for a in areas.order_by("name")],
        "tileUrl": _setting("MAP_TILE_URL", ""),
        "attribution": _setting("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors"),
    }


def _setting(name, default):
    from django.conf import settings

    return getattr(settings, name, default)


class OutlineWidget(forms.Textarea):
    template_name = "councils/widgets/outline.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "class": "font-monospace small", **(attrs or {})})
        self.reference = {}

    def format_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["map_config_json"] = json.dumps(self.reference)
        context["widget"]["map_region"] = _("Map to draw the outline on")
        context["widget"]["map_help"] = _(
            "Draw the outline with the polygon tool at the top left of the map, or move the "
            "corners of the existing one; the GeoJSON below follows. Or paste GeoJSON below."
        )
        return context


def position_picker_attrs(reference):
    """Attributes for the latitude input that put a position picker map beside it."""
    return {
        "data-position-picker": json.dumps(
            {
                **reference,
                "labels": {
                    "region": _("Map to pick the position on"),
                    "help": _(
                        "Click the map to set the position, or type latitude and longitude. "
                        "On the clicked map, arrow keys move it and Enter takes the centre."
                    ),
                    "clear": _("Clear the position"),
                },
            }
        )
    }

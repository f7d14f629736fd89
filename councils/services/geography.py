"""Outlines of areas and municipalities: reading GeoJSON, and which area holds a position.

Outlines are stored as GeoJSON geometries (Polygon or MultiPolygon, WGS 84, ``[longitude,
latitude]``), checked here with shapely before they are stored. Every refusal is a
``ValidationError`` with a message in the reader's language.
"""

import json
import math
from decimal import Decimal

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

from trygghet.limits import SWEDEN_LATITUDE, SWEDEN_LONGITUDE, in_sweden

# A municipality's outline from a survey office has some tens of thousands of points; a
# file beyond these is not an outline we want to draw on every map page.
MAX_OUTLINE_BYTES = 2_000_000
MAX_OUTLINE_POINTS = 50_000
POLYGONAL = ("Polygon", "MultiPolygon")


def _malformed():
    return _("The GeoJSON’s coordinates are malformed: give each point as [longitude, latitude].")


def _invalid(message):
    return ValidationError(message, code="invalid_outline")


def read_outline_file(uploaded):
    """The outline in an uploaded GeoJSON file (see ``parse_outline``)."""
    if uploaded.size > MAX_OUTLINE_BYTES:
        raise _invalid(
            _("The file is too large for an outline (at most %(size)s MB).")
            % {"size": MAX_OUTLINE_BYTES // 1_000_000}
        )
    data = uploaded.read(MAX_OUTLINE_BYTES + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid(_("The file is not a GeoJSON file (it is not text in UTF-8).")) from None
    return parse_outline(text)


def parse_outline(value):
    """A GeoJSON text or object (a geometry, a Feature or a FeatureCollection of polygons) as
    one Polygon or MultiPolygon geometry dict, or ``None`` for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        if len(value) > MAX_OUTLINE_BYTES:
            raise _invalid(
                _("The outline is too large (at most %(size)s MB).")
                % {"size": MAX_OUTLINE_BYTES // 1_000_000}
            )
        try:
            value = json.loads(value, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise _invalid(_("The outline is not valid GeoJSON (it could not be read).")) from None
    geometries = _geometries(value)
    if not geometries:
        raise _invalid(_("The GeoJSON holds no polygon: an outline must be a closed area."))
    try:
        shapes = [shape(g) for g in geometries]
    except (
        KeyError,
        TypeError,
        ValueError,
        IndexError,
        AttributeError,
        shapely.errors.ShapelyError,
    ):
        raise _invalid(_malformed()) from None
    points = sum(shapely.get_num_coordinates(s) for s in shapes)
    if points > MAX_OUTLINE_POINTS:
        raise _invalid(
            _("The outline has too many points (%(count)s; at most %(max)s): simplify it first.")
            % {"count": points, "max": MAX_OUTLINE_POINTS}
        )
    merged = shapely.union_all(shapes) if len(shapes) > 1 else shapes[0]
    for geometry in shapes:
        if geometry.is_empty:
            raise _invalid(_("The outline is empty."))
        coordinates = shapely.get_coordinates(geometry)
        if not all(math.isfinite(c) for c in coordinates.flat):
            raise _invalid(_malformed())
        lngs, lats = coordinates[:, 0], coordinates[:, 1]
        if not (
            SWEDEN_LONGITUDE[0] <= lngs.min()
            and lngs.max() <= SWEDEN_LONGITUDE[1]
            and SWEDEN_LATITUDE[0] <= lats.min()
            and lats.max() <= SWEDEN_LATITUDE[1]
        ):
            raise _invalid(
                _(
                    "The outline lies (partly) outside Sweden. GeoJSON gives each point as "
                    "[longitude, latitude] in WGS 84: check the order and the coordinate system."
                )
            )
        if not geometry.is_valid:
            raise _invalid(
                _("The outline is not a proper area (%(reason)s): it must not cross itself.")
                % {"reason": explain_validity(geometry)}
            )
    if merged.geom_type not in POLYGONAL or merged.area <= 0:
        raise _invalid(_("The GeoJSON holds no polygon: an outline must be a closed area."))
    return json.loads(shapely.to_geojson(shapely.set_precision(merged, 0.000001)))


def _no_constant(name):
    raise ValueError(name)


def _geometries(value):
    """The polygon geometries in a GeoJSON object; other geometry types are refused."""
    if not isinstance(value, dict):
        raise _invalid(_("The outline is not valid GeoJSON (it must be a JSON object)."))
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list):
            raise _invalid(_("The GeoJSON FeatureCollection has no list of features."))
        found = []
        for feature in features:
            found.extend(_geometries(feature))
        return found
    if kind == "Feature":
        geometry = value.get("geometry")
        return [] if geometry is None else _geometries(geometry)
    if kind == "GeometryCollection":
        found = []
        for geometry in value.get("geometries") or []:
            found.extend(_geometries(geometry))
        return found
    if kind in POLYGONAL:
        if not isinstance(value.get("coordinates"), list):
            raise _invalid(_malformed())
        return [value]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        raise _invalid(
            _("The GeoJSON holds a %(kind)s: an outline must be a Polygon or MultiPolygon.")
            % {"kind": kind}
        )
    raise _invalid(_("The outline is not valid GeoJSON (unknown type)."))


def _shape(geometry):
    return shape(geometry) if geometry else None


def municipality_outline(municipality):
    """The municipality's outline as a geometry dict, or None."""
    from councils.models import MunicipalityOutline

    row = MunicipalityOutline.objects.filter(municipality=municipality).first()
    return row.geometry if row else None


class Locator:
    """Which area of a municipality holds a position, and whether a position lies in the
    municipality: outlines read and prepared once (for a form, or for every row of an import)."""

    def __init__(self, municipality):
        from councils.models import Area

        self.municipality = municipality
        self.areas = []
        for area in Area.objects.filter(municipality=municipality, outline__isnull=False):
            geometry = _shape(area.outline)
            shapely.prepare(geometry)
            self.areas.append((area, geometry))
        outline = municipality_outline(municipality)
        self.outline = _shape(outline)
        if self.outline is not None:
            shapely.prepare(self.outline)

    def area_at(self, latitude, longitude, *, active_only=False):
        """The area whose outline holds the position (the smallest, where outlines overlap)."""
        if latitude is None or longitude is None:
            return None
        point = Point(float(longitude), float(latitude))
        holding = [
            (geometry.area, area)
            for area, geometry in self.areas
            if (area.is_active or not active_only) and geometry.covers(point)
        ]
        return min(holding, key=lambda pair: pair[0])[1] if holding else None

    def position_error(self, latitude, longitude):
        """A message saying why the position cannot be one of this municipality's, or None."""
        if not in_sweden(Decimal(latitude), Decimal(longitude)):
            return _(
                "The position is outside Sweden (latitude %(lat)s, longitude %(lng)s): "
                "check that latitude and longitude are not swapped."
            ) % {"lat": latitude, "lng": longitude}
        if self.outline is not None and not self.outline.covers(
            Point(float(longitude), float(latitude))
        ):
            return _(
                "The position (latitude %(lat)s, longitude %(lng)s) is outside %(municipality)s: "
                "pick a place inside the municipality’s outline on the map."
            ) % {"lat": latitude, "lng": longitude, "municipality": self.municipality.name}
        return None


def assign_area(instance, locator=None):
    """Give an incident (or anything with a position, an area and a municipality) the area whose
    outline holds its position. A position in no outline keeps the area chosen by hand, and so
    does a chosen area without an outline (nothing says the position is not in it)."""
    if getattr(instance, "latitude", None) is None or getattr(instance, "longitude", None) is None:
        return instance
    if instance.area_id and instance.area.outline is None:
        return instance
    locator = locator or Locator(instance.municipality)
    area = locator.area_at(instance.latitude, instance.longitude, active_only=True)
    if area is not None:
        instance.area = area
    return instance

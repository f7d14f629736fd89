"""The municipality's geography: its areas (districts and localities) and its outline."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trygghet.limits import latitude_field, longitude_field
from trygghet.tenancy import MunicipalModel


class Area(MunicipalModel):
    """A district or locality of a municipality (område / stadsdel): where incidents happen and
    safety walks go. Its table keeps the name it had in the situation_reports app."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        LOCALITY = "locality", _("locality")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LOCALITY)
    latitude = latitude_field()
    longitude = longitude_field()
    is_active = models.BooleanField(_("active"), default=True)
    # A GeoJSON Polygon or MultiPolygon (WGS 84, [longitude, latitude]), checked by
    # councils.services.geography.parse_outline before it is stored.
    outline = models.JSONField(_("outline"), null=True, blank=True)

    class Meta:
        db_table = "situation_reports_area"
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def has_centre(self):
        return self.latitude is not None and self.longitude is not None


class MunicipalityOutline(MunicipalModel):
    """The outline of a municipality (a GeoJSON Polygon or MultiPolygon, WGS 84): drawn on the
    map and the limit of the positions its incidents and observations may have. Without one,
    positions are only held to Sweden. One per municipality, read through the scoped manager
    like every row of a municipality."""

    municipality = models.OneToOneField(
        "councils.Municipality",
        on_delete=models.CASCADE,
        related_name="outline",
        verbose_name=_("municipality"),
    )
    geometry = models.JSONField(_("outline"))

    class Meta:
        verbose_name = _("outline of the municipality")
        verbose_name_plural = _("outlines of municipalities")

    def __str__(self):
        return str(self.municipality)

"""Reference data for comparing municipalities (issue 13, "Comparisons"): every Swedish
municipality with its county and population by year, and the police's open-data events counted
per municipality, event type and year. Not municipal rows: the same for everyone, loaded by the
commands ``load_municipality_reference`` and ``aggregate_police_events``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range


class ReferenceMunicipality(models.Model):
    """One of Sweden's 290 municipalities, whether it uses Trygghet or not."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    county_code = models.CharField(_("county code"), max_length=2)
    county_name = models.CharField(_("county"), max_length=100)

    class Meta:
        verbose_name = _("reference municipality")
        verbose_name_plural = _("reference municipalities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{4}$"), name="reference_municipality_code"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class ReferencePopulation(models.Model):
    """A municipality's population in a year (approximate: the reference list's figure)."""

    municipality = models.ForeignKey(
        ReferenceMunicipality, on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="reference_population_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.year}: {self.population}"


class PoliceEventCount(models.Model):
    """How many police events of a type the open data names for a municipality in a year."""

    municipality = models.ForeignKey(
        ReferenceMunicipality, on_delete=models.CASCADE, related_name="police_counts"
    )
    event_type = models.CharField(_("event type"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("police event count")
        verbose_name_plural = _("police event counts")
        ordering = ["municipality", "year", "event_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "event_type", "year"], name="police_count_once"
            )
        ]
        indexes = [models.Index(fields=["year", "event_type"], name="police_count_year_type")]

    def __str__(self):
        return f"{self.municipality_id} {self.year} {self.event_type}: {self.count}"


class PoliceEventSource(models.Model):
    """What the counts were aggregated from: one row, replaced by each aggregation."""

    file_name = models.CharField(_("file"), max_length=255)
    first_event = models.DateField(_("first event"), null=True, validators=[validate_in_range])
    last_event = models.DateField(_("last event"), null=True, validators=[validate_in_range])
    events_counted = models.PositiveIntegerField(_("events counted"))
    aggregated_at = models.DateTimeField(
        _("aggregated at"), auto_now=True, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("police events source")
        verbose_name_plural = _("police events sources")
        constraints = range_constraints(
            "police_source", dates=["first_event", "last_event"], moments=["aggregated_at"]
        )

    def __str__(self):
        return f"{self.file_name} ({self.first_event} – {self.last_event})"

"""What is coming and may affect safety (omvärldsbevakning): holidays, school breaks, events."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from trygghet.limits import MAX_TEXT_LENGTH, range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel


class UpcomingEvent(MunicipalModel):
    """Something that is coming and may affect safety (omvärldsbevakning)."""

    class Kind(models.TextChoices):
        PUBLIC_HOLIDAY = "public_holiday", _("public holiday")
        SCHOOL_BREAK = "school_break", _("school break")
        EVENT = "event", _("event")
        MATCH = "match", _("match")
        BUILDING_PROJECT = "building_project", _("building project")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"), validators=[validate_in_range])
    ends_on = models.DateField(_("last day"), null=True, blank=True, validators=[validate_in_range])
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upcoming_events",
        verbose_name=_("area"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    expected_effect = models.TextField(_("expected effect"), blank=True, max_length=MAX_TEXT_LENGTH)
    # Generated rows (holidays, school breaks) carry a key so that generating again adds nothing.
    generated_key = models.CharField(_("generated key"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        _("created at"), auto_now_add=True, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("upcoming event")
        verbose_name_plural = _("upcoming events")
        ordering = ["starts_on", "title"]
        indexes = [models.Index(fields=["municipality", "starts_on"], name="upcoming_muni_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "generated_key"],
                condition=~Q(generated_key=""),
                name="upcoming_unique_generated_key",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="upcoming_end_after_start",
            ),
            *range_constraints("upcoming", dates=["starts_on", "ends_on"], moments=["created_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "situation_reports:upcoming-list", kwargs={"municipality": self.municipality.slug}
        )

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

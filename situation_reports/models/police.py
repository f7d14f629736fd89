"""The police open-data import's setting and state, per municipality."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import scoped_manager


class PoliceImportSetting(models.Model):
    """Per municipality: whether the periodic police open-data import includes it."""

    municipality = models.OneToOneField(
        "councils.Municipality",
        on_delete=models.CASCADE,
        related_name="police_import_setting",
        verbose_name=_("municipality"),
    )
    enabled = models.BooleanField(
        _("fetch police open data"),
        default=False,
        help_text=_("Fetch the police's published events for this municipality periodically."),
    )
    last_fetched_at = models.DateTimeField(
        _("last fetched"), null=True, blank=True, validators=[validate_in_range]
    )
    last_summary = models.JSONField(_("last summary"), default=dict, blank=True)
    # Fetches that failed since the last one that worked (the API down, an answer that is not
    # events): shown on the import page, so a silent stop is noticed.
    failed_fetches = models.PositiveIntegerField(_("failed fetches in a row"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_failed_at = models.DateTimeField(
        _("last failed"), null=True, blank=True, validators=[validate_in_range]
    )

    objects = scoped_manager(path="municipality")

    class Meta:
        verbose_name = _("police open-data import")
        verbose_name_plural = _("police open-data imports")
        constraints = range_constraints(
            "police_import", moments=["last_fetched_at", "last_failed_at"]
        )

    def __str__(self):
        return str(self.municipality)

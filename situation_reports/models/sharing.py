"""What a municipality shares beyond itself (issue 15), by its own decision and nothing more.

By default every municipality is an island: its rows answer 404 to everyone else. These rows
record the exceptions its administrators decide:

- ``Sharing``: what it shares with a neighbouring municipality, with the municipalities of its
  county, or with an organisation that serves several municipalities (a police area, a rescue
  service): the counts per 1,000 inhabitants by category and month, the public summaries of its
  approved lägesbilder, or both. Always the public level: open incidents only, whoever reads.
- ``RegionalRole``: a person who is not a member of the municipality (the county's
  crime-prevention coordinator, say) but may read what it shares with its county.
- ``ReportShare``: one approved lägesbild shared, at its public level, with a named
  neighbouring municipality; readable there, never changeable or shared on, and withdrawable.
  A withdrawal is kept (``withdrawn_at``): the record says who shared what, when, and until when.

Who reads what is decided in ``situation_reports.services.sharing``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel


class Sharing(MunicipalModel):
    """One municipality's consent to share with one recipient, at the levels it chose."""

    class Recipient(models.TextChoices):
        MUNICIPALITY = "municipality", _("a neighbouring municipality")
        COUNTY = "county", _("the municipalities of the county")
        ORGANISATION = "organisation", _("a police area or rescue service")

    recipient = models.CharField(_("shared with"), max_length=12, choices=Recipient.choices)
    partner = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sharings_received",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        "councils.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sharings_received",
        verbose_name=_("organisation"),
    )
    figures = models.BooleanField(
        _("incident counts per 1,000 inhabitants by category and month"), default=True
    )
    summaries = models.BooleanField(
        _("public summaries of approved situation reports"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    updated_at = models.DateTimeField(
        _("changed"), default=timezone.now, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("sharing")
        verbose_name_plural = _("sharing")
        ordering = ["recipient", "partner__name", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient="municipality", partner__isnull=False, organisation=None)
                | Q(recipient="county", partner=None, organisation=None)
                | Q(recipient="organisation", partner=None, organisation__isnull=False),
                name="sharing_one_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(partner=F("municipality")), name="sharing_not_with_itself"
            ),
            models.UniqueConstraint(
                fields=["municipality", "partner"],
                condition=Q(partner__isnull=False),
                name="sharing_once_per_partner",
            ),
            models.UniqueConstraint(
                fields=["municipality", "organisation"],
                condition=Q(organisation__isnull=False),
                name="sharing_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(recipient="county"),
                name="sharing_once_with_the_county",
            ),
            *range_constraints("sharing", moments=["updated_at"]),
        ]

    def __str__(self):
        return f"{self.municipality} → {self.recipient_name}"

    @property
    def recipient_name(self):
        if self.recipient == self.Recipient.MUNICIPALITY:
            return str(self.partner)
        if self.recipient == self.Recipient.ORGANISATION:
            return str(self.organisation)
        return self.municipality.county or str(self.Recipient.COUNTY.label)

    @property
    def levels(self):
        """The levels shared, in words (an empty list: nothing)."""
        return [
            label
            for on, label in (
                (self.figures, _("incident counts per 1,000 inhabitants")),
                (self.summaries, _("public summaries")),
            )
            if on
        ]

    def clean(self):
        super().clean()
        if self.recipient == self.Recipient.MUNICIPALITY:
            if self.partner_id is None:
                raise ValidationError({"partner": _("Choose the municipality to share with.")})
            if self.partner_id == self.municipality_id:
                raise ValidationError({"partner": _("A municipality does not share with itself.")})
        elif self.recipient == self.Recipient.ORGANISATION:
            organisation = self.organisation
            if organisation is None:
                raise ValidationError({"organisation": _("Choose the organisation.")})
            # Only a public authority that serves this municipality: never a private company.
            if (
                not organisation.is_public_authority
                or not organisation.municipalities.filter(pk=self.municipality_id).exists()
            ):
                raise ValidationError(
                    {
                        "organisation": _(
                            "Only a police area, a rescue service or a municipal "
                            "administration that serves the municipality can be chosen."
                        )
                    }
                )
        elif not self.municipality.county:
            raise ValidationError(
                {"recipient": _("The municipality has no county recorded: share with others.")}
            )


class RegionalRole(MunicipalModel):
    """A person who reads, on the regional page, what this municipality shares with its county
    without being a member of it: granted (and ended) by its administrators."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="regional_roles",
        verbose_name=_("person"),
    )
    title = models.CharField(
        _("regional role"),
        max_length=200,
        help_text=_("e.g. crime-prevention coordinator at the county administrative board"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(
        _("granted"), default=timezone.now, validators=[validate_in_range]
    )
    ended_at = models.DateTimeField(
        _("ended"), null=True, blank=True, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("regional role")
        verbose_name_plural = _("regional roles")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user"],
                condition=Q(ended_at=None),
                name="regional_role_once",
            ),
            *range_constraints("regional_role", moments=["granted_at", "ended_at"]),
        ]

    def __str__(self):
        return f"{self.user} ({self.title})"


class ReportShare(MunicipalModel):
    """An approved lägesbild shared at its public level with a neighbouring municipality."""

    report = models.ForeignKey(
        "situation_reports.SituationReport",
        on_delete=models.PROTECT,
        related_name="shares",
        verbose_name=_("situation report"),
    )
    partner = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.PROTECT,
        related_name="reports_shared_with",
        verbose_name=_("shared with"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    shared_at = models.DateTimeField(
        _("shared"), default=timezone.now, validators=[validate_in_range]
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn"), null=True, blank=True, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("shared situation report")
        verbose_name_plural = _("shared situation reports")
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "partner"],
                condition=Q(withdrawn_at=None),
                name="report_shared_once_per_partner",
            ),
            models.CheckConstraint(
                condition=~Q(partner=F("municipality")), name="report_share_not_with_itself"
            ),
            *range_constraints("report_share", moments=["shared_at", "withdrawn_at"]),
        ]

    def __str__(self):
        return f"{self.report} → {self.partner}"

    @property
    def is_active(self):
        return self.withdrawn_at is None

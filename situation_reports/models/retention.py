"""Retention by decision (gallring, issue 17): what a municipality's document management plan
says is thinned, after how long, and the log of every run that applied it.

- ``RetentionDecision``: the decision itself (who decided, when, its registry number, from when
  it applies). A decision is a record: it is never changed. Changing it saves a new version
  (``supersedes``), and the old one stays for the record.
- ``RetentionRule``: one line of the decision: a record type, kept for N months, what happens
  then (anonymise or delete), optionally only incidents of one source.
- ``RetentionRun``: one application of one rule (or a dry run of it): what, how many, which
  rule, as of which day. Append-only: a run is written once, when it is over.

The decision, its rules and the run log are append-only in the database too (a trigger refuses
UPDATE and DELETE on PostgreSQL, migration 0018), as the audit trail is.

"Older than N months" (``cutoff``): in Stockholm's local dates, a record dated D is older
than N months on day T when D < T − N calendar months (the day clamped to the end of a
shorter month: 31 May − 3 months = 28/29 February). On 3 December 2026 with 36 months, an
incident of 2 December 2023 is thinned and one of 3 December 2023 is kept.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

MIN_MONTHS = 1
MAX_MONTHS = 1200


class RetentionLocked(ValidationError):
    """Raised when something tries to change or delete a saved decision, rule or run."""

    def __init__(self):
        super().__init__(
            _("A retention decision and its log are records: they are never changed."),
            code="retention_locked",
        )


def months_before(day, months):
    """The day ``months`` calendar months before ``day`` (clamped to the end of the month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff(today, months):
    """The first day that is kept: a record dated before it is older than ``months``."""
    return months_before(today, months)


def cutoff_moment(today, months):
    """The first moment that is kept (midnight of ``cutoff`` in local time)."""
    return timezone.make_aware(datetime.datetime.combine(cutoff(today, months), datetime.time()))


class _AppendOnly(models.Model):
    """Saved once, never changed or deleted (the model refuses; so does a trigger)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RetentionLocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RetentionLocked()


class AppendOnlyQuerySet(MunicipalQuerySet):
    def update(self, **kwargs):
        raise RetentionLocked()

    def delete(self):
        raise RetentionLocked()


class RetentionRuleQuerySet(AppendOnlyQuerySet):
    municipality_field = "decision__municipality"


class RetentionDecisionQuerySet(AppendOnlyQuerySet):
    def current(self, municipality, today=None):
        """The decision that applies on ``today``: the newest version already valid."""
        today = today or timezone.localdate()
        return (
            self.in_municipality(municipality)
            .filter(valid_from__lte=today)
            .order_by("-valid_from", "-version", "-pk")
            .first()
        )


class RetentionDecision(_AppendOnly, MunicipalModel):
    """A municipality's retention decision (gallringsbeslut) in one version."""

    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        help_text=_("The body or officer that took the decision, e.g. Kommunstyrelsen."),
    )
    decided_on = models.DateField(_("decided on"), validators=[validate_in_range])
    reference = models.CharField(
        _("registry number"), max_length=60, help_text=_("The diarienummer of the decision.")
    )
    valid_from = models.DateField(_("valid from"), validators=[validate_in_range])
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(
        _("recorded"), default=timezone.now, validators=[validate_in_range]
    )

    objects = scoped_manager(RetentionDecisionQuerySet)

    class Meta:
        verbose_name = _("retention decision")
        verbose_name_plural = _("retention decisions")
        ordering = ["-valid_from", "-version", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "version"], name="retention_decision_unique_version"
            ),
            *range_constraints(
                "retention_decision", dates=["decided_on", "valid_from"], moments=["created_at"]
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.decided_on:%Y-%m-%d})"


class RecordType(models.TextChoices):
    INCIDENTS = "incidents", _("incidents")
    INCIDENT_PHOTOS = "incident_photos", _("photos of incidents")
    ACCESS_LOG = "access_log", _("audit trail and access logs")
    FORMER_USERS = "former_users", _("personal data of people who left")
    # Archival records (allmänna handlingar that are kept): only with an explicit rule.
    APPROVED_REPORTS = "approved_reports", _("approved situation reports")
    MINUTES = "minutes", _("minutes")
    ACTION_PLANS = "action_plans", _("action plans")
    DECISIONS = "decisions", _("decisions")


ARCHIVAL_TYPES = frozenset(
    {
        RecordType.APPROVED_REPORTS,
        RecordType.MINUTES,
        RecordType.ACTION_PLANS,
        RecordType.DECISIONS,
    }
)


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise")
    DELETE = "delete", _("delete")


# What each record type allows. Incidents and people are anonymised, never deleted: their rows
# stay so that every count (statistics, who logged what) stays as it was. Photos and log
# entries carry no figures: they are deleted. Archival records are never thinned by the
# application: a rule for them is recorded and the dry run shows what is due.
ALLOWED_ACTIONS = {
    RecordType.INCIDENTS: (RetentionAction.ANONYMISE,),
    RecordType.INCIDENT_PHOTOS: (RetentionAction.DELETE,),
    RecordType.ACCESS_LOG: (RetentionAction.DELETE,),
    RecordType.FORMER_USERS: (RetentionAction.ANONYMISE,),
    **dict.fromkeys(ARCHIVAL_TYPES, (RetentionAction.DELETE,)),
}


class RetentionRule(_AppendOnly):
    """One line of a decision."""

    decision = models.ForeignKey(
        RetentionDecision,
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name=_("retention decision"),
    )
    record_type = models.CharField(_("records"), max_length=30, choices=RecordType.choices)
    months = models.PositiveSmallIntegerField(
        _("kept for (months)"),
        validators=[MinValueValidator(MIN_MONTHS), MaxValueValidator(MAX_MONTHS)],
    )
    action = models.CharField(_("then"), max_length=12, choices=RetentionAction.choices)
    source = models.CharField(
        _("only incidents from"),
        max_length=20,
        blank=True,
        help_text=_("Empty: incidents of every source."),
    )
    archival_confirmed = models.BooleanField(_("archival records confirmed"), default=False)

    objects = scoped_manager(RetentionRuleQuerySet)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["decision", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "record_type", "source"], name="retention_rule_once_per_type"
            ),
            models.CheckConstraint(
                condition=Q(months__gte=MIN_MONTHS, months__lte=MAX_MONTHS),
                name="retention_rule_months_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(record_type__in=sorted(ARCHIVAL_TYPES)) | Q(archival_confirmed=True),
                name="retention_rule_archival_is_explicit",
            ),
            models.CheckConstraint(
                condition=Q(source="") | Q(record_type=RecordType.INCIDENTS),
                name="retention_rule_source_only_for_incidents",
            ),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.months} – {self.get_action_display()}"

    @property
    def is_archival(self):
        return self.record_type in ARCHIVAL_TYPES

    def cutoff(self, today):
        return cutoff(today, self.months)


class RetentionRun(_AppendOnly, MunicipalModel):
    """One application (or dry run) of one rule: the log, written once when it is over."""

    decision = models.ForeignKey(
        RetentionDecision,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("retention decision"),
    )
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("rule"),
    )
    record_type = models.CharField(_("records"), max_length=30, choices=RecordType.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    as_of = models.DateField(_("as of"), validators=[validate_in_range])
    cutoff = models.DateField(_("older than"), validators=[validate_in_range])
    started_at = models.DateTimeField(_("started"), validators=[validate_in_range])
    finished_at = models.DateTimeField(_("finished"), validators=[validate_in_range])
    count = models.PositiveIntegerField(_("number"), default=0)
    # Of ``count``, restricted incidents (and their photos): left out of what readers of no
    # restricted data are shown (the count rule, ``trygghet.tenancy.sees_restricted``).
    restricted_count = models.PositiveIntegerField(_("of which restricted"), default=0)
    note = models.TextField(_("note"), blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = scoped_manager(AppendOnlyQuerySet)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention log")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(restricted_count__lte=models.F("count")),
                name="retention_run_restricted_within_count",
            ),
            *range_constraints(
                "retention_run",
                dates=["as_of", "cutoff"],
                moments=["started_at", "finished_at"],
            ),
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_record_type_display()}: {self.count}"

    def count_for(self, membership):
        """The number shown to ``membership``: restricted ones only to public authorities."""
        from trygghet.tenancy import sees_restricted

        return self.count if sees_restricted(membership) else self.count - self.restricted_count

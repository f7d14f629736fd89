"""The problem register of the strategic lägesbild: each problem the analysis identifies, with
its cause analysis (Brå: "Identifiera mönster", the crime triangle of offender, target and
place). The action plan's measures point at these problems (issue 14).

A problem is part of the lägesbild it was identified in: it is locked with it once approved
(``trygghet.records``; the database trigger of migration 0013 for the paths around ``save()``,
its areas, categories and indicators included). A new version of the lägesbild copies its
problems, each pointing at the one it continues (``continues``), so a problem can be followed
from one year's lägesbild to the next.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.records import LockedRecordMixin
from trygghet.tenancy import MunicipalQuerySet, scoped_manager

from .reports import ReportLocked, SituationReport

TEXT_LIMIT = 10_000


class Priority(models.TextChoices):
    HIGH = "high", _("high priority")
    MEDIUM = "medium", _("medium priority")
    LOW = "low", _("low priority")
    WATCH = "watch", _("kept under watch")


PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2, Priority.WATCH: 3}


class ProblemQuerySet(MunicipalQuerySet):
    municipality_field = "report__municipality"

    def current(self):
        """Problems of the current version of each lägesbild (not of a corrected one)."""
        return self.filter(report__superseded_by__isnull=True)


class Problem(LockedRecordMixin, models.Model):
    report = models.ForeignKey(
        SituationReport,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("situation report"),
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), max_length=TEXT_LIMIT)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    areas = models.ManyToManyField(
        "councils.Area", blank=True, related_name="problems", verbose_name=_("areas")
    )
    places = models.CharField(
        _("places"),
        max_length=500,
        blank=True,
        help_text=_("Places more precise than an area: a square, a school, a stop."),
    )
    categories = models.ManyToManyField(
        "situation_reports.IncidentCategory",
        blank=True,
        related_name="problems",
        verbose_name=_("categories"),
    )
    affected_groups = models.CharField(
        _("affected groups"),
        max_length=500,
        blank=True,
        help_text=_("Who is affected: residents of an area, young people, shop staff, …"),
    )
    supporting_figures = models.TextField(
        _("supporting figures"),
        blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("The figures of the lägesbild that show the problem, with their source."),
    )
    indicators = models.ManyToManyField(
        "situation_reports.Indicator",
        blank=True,
        related_name="problems",
        verbose_name=_("indicators that show it"),
    )
    # The cause analysis.
    causes = models.TextField(_("likely causes"), blank=True, max_length=TEXT_LIMIT)
    risk_factors = models.TextField(_("risk factors"), blank=True, max_length=TEXT_LIMIT)
    protective_factors = models.TextField(
        _("protective factors"), blank=True, max_length=TEXT_LIMIT
    )
    offenders = models.TextField(
        _("offenders"),
        blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("The crime triangle: who commits it, and what motivates them."),
    )
    targets = models.TextField(
        _("targets and victims"),
        blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("The crime triangle: what or whom it is aimed at, and why they are exposed."),
    )
    situations = models.TextField(
        _("places and situations"),
        blank=True,
        max_length=TEXT_LIMIT,
        help_text=_(
            "The crime triangle: where and when it happens, and what is missing there "
            "(guardians, lighting, staff)."
        ),
    )
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("What the analysis rests on (figures, studies, what people on site tell)."),
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, validators=[validate_in_range]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, validators=[validate_in_range])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = scoped_manager(ProblemQuerySet)
    locked_error = ReportLocked

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["report", "position", "pk"]
        constraints = range_constraints("problem", moments=["created_at", "updated_at"])

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "situation_reports:problem-detail",
            kwargs={"municipality": self.report.municipality.slug, "pk": self.pk},
        )

    def in_locked_record(self):
        """Part of an approved lägesbild, as stored."""
        return SituationReport.objects.filter(
            pk=self.report_id, status=SituationReport.Status.APPROVED
        ).exists()

    @property
    def is_locked(self):
        return self.report.is_locked

    @property
    def has_cause_analysis(self):
        return any(
            getattr(self, name)
            for name in ("causes", "risk_factors", "offenders", "targets", "situations")
        )

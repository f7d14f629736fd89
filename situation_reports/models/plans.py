"""The action plan (åtgärdsplan) of lag (2023:196): decided from an approved strategic
lägesbild, its measures pointing at that lägesbild's problems, followed up quarterly, and the
decision register of bodies and boards.

A decided plan is an official record (``trygghet.records``): its text, its decision and its
measures never change again (``PlanLocked``; the PostgreSQL triggers of migration 0014 for the
paths around ``save()``). A revision is a new version with its own decision, which marks the
one it revises as replaced. What goes on after the decision is follow-up, kept beside the
decided record: a measure's status and its dated updates (output, process, effect: Brå's three
levels), and whether the plan and each measure are shown on the public page.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models.agreements import Direction, QuarterlyReminder, TargetMixin
from trygghet.limits import range_constraints, validate_in_range
from trygghet.records import LockedRecordMixin, RecordLocked, stored_changes
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

TEXT_LIMIT = 10_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Days before the review date that the coordinators are reminded (once).
REVIEW_NOTICE_DAYS = 90
# An open measure without an update in this many days needs follow-up.
STALE_DAYS = 90


class PlanLocked(RecordLocked):
    message = _(
        "This action plan is decided and is an official record: it cannot be changed. "
        "Make a revision, which needs a decision of its own."
    )
    code = "plan_locked"


def term_of_office(day=None):
    """The Swedish term of office (mandatperiod) that ``day`` falls in, as (first, last)
    year: 2023–2026, 2027–2030, … (elections every four years since 2022)."""
    year = (day or timezone.localdate()).year
    first = 2023 + 4 * ((year - 2023) // 4)
    return first, first + 3


class DecisionMaker(models.TextChoices):
    MUNICIPAL_COUNCIL = "council", _("municipal council")
    EXECUTIVE_BOARD = "board", _("municipal executive board")
    COMMITTEE = "committee", _("committee")
    BODY = "body", _("a body of the crime-prevention work")


class PlanQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """Everyone in the municipality reads decided and replaced plans; drafts are the
        managers' work in progress, and they alone change anything."""
        qs = super().restrict(membership, action)
        if membership.is_manager:
            return qs
        if action != "view":
            return qs.none()
        return qs.exclude(status=ActionPlan.Status.DRAFT)

    def decided(self):
        return self.filter(status=ActionPlan.Status.DECIDED)

    def public(self):
        return self.decided().filter(is_public=True)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    DECIDED = "decided", _("decided")
    REPLACED = "replaced", _("replaced")


class ActionPlan(LockedRecordMixin, MunicipalModel):
    Status = PlanStatus

    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(
        _("from year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("to year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    based_on = models.ForeignKey(
        "situation_reports.SituationReport",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("based on the lägesbild"),
        help_text=_("The approved strategic lägesbild whose problems the plan answers."),
    )
    body = models.ForeignKey(
        "councils.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("prepared and followed up by"),
    )
    summary = models.TextField(
        _("summary"),
        max_length=TEXT_LIMIT,
        help_text=_("What the plan wants to achieve, for everyone (shown on the public page)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    # The decision.
    decided_by = models.CharField(
        _("decided by"), max_length=10, choices=DecisionMaker.choices, blank=True
    )
    decided_by_name = models.CharField(
        _("name of the deciding board"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Kommunstyrelsen, Socialnämnden."),
    )
    decision_date = models.DateField(
        _("decision date"), null=True, blank=True, validators=[validate_in_range]
    )
    decision_paragraph = models.CharField(_("paragraph (§)"), max_length=40, blank=True)
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    review_date = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        validators=[validate_in_range],
        help_text=_(
            "When the plan is reviewed, at least once per term of office. The coordinators are "
            "reminded 90 days before."
        ),
    )
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Versions: a revision of a decided plan.
    version = models.PositiveIntegerField(_("version"), default=1)
    revises = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revised_by",
        verbose_name=_("revises"),
    )
    revision_reason = models.CharField(_("reason for the revision"), max_length=300, blank=True)
    # Follow-up: may change after the decision.
    is_public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_("The decided plan's summary and its public measures."),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, validators=[validate_in_range]
    )

    objects = scoped_manager(PlanQuerySet)
    locked_error = PlanLocked
    follow_up_fields = ("is_public",)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["municipality", "-first_year", "-version", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="action_plan_years_in_order",
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=FIRST_YEAR, last_year__lte=LAST_YEAR),
                name="action_plan_years_in_range",
            ),
            # A decided (or replaced) plan carries its whole decision.
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT)
                | (
                    ~Q(decided_by="")
                    & Q(decision_date__isnull=False)
                    & ~Q(decision_paragraph="")
                    & Q(review_date__isnull=False)
                ),
                name="action_plan_decided_has_decision",
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(status=PlanStatus.DECIDED),
                name="one_decided_action_plan_per_municipality",
            ),
            *range_constraints(
                "action_plan", dates=["decision_date", "review_date"], moments=["created_at"]
            ),
        ]

    def __str__(self):
        return self.title + (f" (v{self.version})" if self.version > 1 else "")

    def get_absolute_url(self):
        return reverse(
            "situation_reports:plan-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    @property
    def period_label(self):
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def is_draft(self):
        return self.status == PlanStatus.DRAFT

    @property
    def is_decided(self):
        return self.status == PlanStatus.DECIDED

    @property
    def is_locked(self):
        return not self.is_draft

    # --- The official-record rule ------------------------------------------------------------

    def in_locked_record(self):
        return (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk).exclude(status=PlanStatus.DRAFT).exists()
        )

    def changes_locked_record(self, update_fields=None):
        """After the decision only ``is_public`` changes, and the status once: decided →
        replaced, when a revision is decided."""
        if not self.in_locked_record():
            return False
        changes = stored_changes(self, update_fields, exclude=self.follow_up_fields)
        if changes is None:
            return True
        status = changes.pop("status", None)
        replaced = status is None or (
            status == PlanStatus.DECIDED and self.status == PlanStatus.REPLACED
        )
        return bool(changes) or not replaced

    def clean(self):
        super().clean()
        errors = {}
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("The period must end after it starts.")
        if self.based_on_id:
            report = self.based_on
            if (
                report.municipality_id != self.municipality_id
                or not report.is_strategic
                or not report.is_approved
            ):
                errors["based_on"] = _("Choose an approved strategic lägesbild.")
        if self.body_id and self.body.municipality_id != self.municipality_id:
            errors["body"] = _("This body belongs to another municipality.")
        if errors:
            raise ValidationError(errors)


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.ONGOING)


class MeasureQuerySet(MunicipalQuerySet):
    municipality_field = "plan__municipality"

    def restrict(self, membership, action="view"):
        return self.filter(plan__in=ActionPlan.objects.restrict(membership, action))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def late(self, today=None):
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today, status__in=OPEN_STATUSES)

    def stale(self, today=None, days=STALE_DAYS):
        """Open measures that have started and have had no update in ``days`` days."""
        today = today or timezone.localdate()
        since = today - datetime.timedelta(days=days)
        recent = MeasureUpdate.objects.filter(measure=OuterRef("pk"), date__gt=since)
        return self.open().filter(start_date__lte=since).exclude(Exists(recent))

    def with_follow_up(self, today=None):
        """Annotate ``is_late`` (derived, never stored: open and past its end, the rule of the
        agreement's actions), ``last_update_on``, and the hours and money spent."""
        today = today or timezone.localdate()
        return self.annotate(
            last_update_on=Max("updates__date"),
            hours_used=Sum("updates__hours_spent"),
            money_used=Sum("updates__money_spent"),
            is_late=ExpressionWrapper(
                Q(end_date__lt=today, status__in=OPEN_STATUSES), output_field=BooleanField()
            ),
        )


class Measure(LockedRecordMixin, models.Model):
    """An åtgärd of the plan: what is done about one or more problems of the lägesbild, by
    whom, with what, until when, and how the effect is measured."""

    Status = MeasureStatus

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("action plan")
    )
    title = models.CharField(_("measure"), max_length=250)
    description = models.TextField(_("description"), max_length=TEXT_LIMIT)
    problems = models.ManyToManyField(
        "situation_reports.Problem",
        related_name="measures",
        verbose_name=_("problems it answers"),
    )
    responsible_organisation = models.ForeignKey(
        "councils.Organisation",
        on_delete=models.PROTECT,
        related_name="plan_measures",
        verbose_name=_("responsible organisation"),
    )
    responsible_body = models.ForeignKey(
        "councils.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_measures",
        verbose_name=_("responsible body"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_measures",
        verbose_name=_("responsible person"),
        help_text=_("Writes the quarterly updates and is reminded of them."),
    )
    other_parties = models.CharField(_("other parties"), max_length=500, blank=True)
    hours_planned = models.DecimalField(
        _("hours planned"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget = models.DecimalField(
        _("budget (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("start"), validators=[validate_in_range])
    end_date = models.DateField(_("end"), validators=[validate_in_range])
    agreement_action = models.ForeignKey(
        "councils.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_measures",
        verbose_name=_("carried out through the agreement's action"),
    )
    citizen_promise = models.ForeignKey(
        "councils.CitizenPromise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_measures",
        verbose_name=_("carried out through the citizen promise"),
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
    # Follow-up: may change after the decision.
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    is_public = models.BooleanField(_("shown on the public page"), default=False)

    objects = scoped_manager(MeasureQuerySet)
    locked_error = PlanLocked
    follow_up_fields = ("status", "is_public")

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="measure_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(hours_planned__isnull=True) | Q(hours_planned__gte=0))
                & (Q(budget__isnull=True) | Q(budget__gte=0)),
                name="measure_resources_not_negative",
            ),
            *range_constraints("measure", dates=["start_date", "end_date"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "situation_reports:measure-detail",
            kwargs={"municipality": self.plan.municipality.slug, "pk": self.pk},
        )

    @property
    def late(self):
        if hasattr(self, "is_late"):
            return self.is_late
        return self.status in OPEN_STATUSES and self.end_date < timezone.localdate()

    @property
    def is_locked(self):
        return self.plan.is_locked

    def in_locked_record(self):
        return ActionPlan.objects.filter(pk=self.plan_id).exclude(status=PlanStatus.DRAFT).exists()

    def changes_locked_record(self, update_fields=None):
        """Once the plan is decided only the follow-up (status, public flag) changes."""
        if not self.in_locked_record():
            return False
        changes = stored_changes(self, update_fields, exclude=self.follow_up_fields)
        return changes is None or bool(changes)

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        if self.plan_id:
            municipality_id = self.plan.municipality_id
            if (
                self.responsible_organisation_id
                and not self.responsible_organisation.municipalities.filter(
                    pk=municipality_id
                ).exists()
            ):
                errors["responsible_organisation"] = _(
                    "This organisation does not work in the municipality."
                )
            if (
                self.responsible_body_id
                and self.responsible_body.municipality_id != municipality_id
            ):
                errors["responsible_body"] = _("This body belongs to another municipality.")
            if (
                self.agreement_action_id
                and self.agreement_action.focus_area.agreement.municipality_id != municipality_id
            ):
                errors["agreement_action"] = _("This action belongs to another municipality.")
            if (
                self.citizen_promise_id
                and self.citizen_promise.agreement.municipality_id != municipality_id
            ):
                errors["citizen_promise"] = _("This promise belongs to another municipality.")
        if errors:
            raise ValidationError(errors)


class MeasureIndicator(TargetMixin, LockedRecordMixin, models.Model):
    """How a measure's effect is followed: an indicator series with its baseline and target."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure")
    )
    indicator = models.ForeignKey(
        "situation_reports.Indicator",
        on_delete=models.PROTECT,
        related_name="measure_targets",
        verbose_name=_("indicator"),
    )
    baseline = models.DecimalField(_("baseline"), max_digits=15, decimal_places=3)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    target = models.DecimalField(_("target"), max_digits=15, decimal_places=3)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.DECREASE
    )

    objects = scoped_manager(path="measure__plan__municipality")
    locked_error = PlanLocked

    class Meta:
        verbose_name = _("indicator of a measure")
        verbose_name_plural = _("indicators of measures")
        ordering = ["measure", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "indicator"],
                name="measure_indicator_once",
                violation_error_message=_("The measure already follows this indicator."),
            ),
            models.CheckConstraint(
                condition=Q(target_year__gte=models.F("baseline_year")),
                name="measure_indicator_target_after_baseline",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.indicator}"

    def in_locked_record(self):
        return (
            ActionPlan.objects.filter(measures=self.measure_id)
            .exclude(status=PlanStatus.DRAFT)
            .exists()
        )

    def clean(self):
        super().clean()
        errors = self.target_errors()
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            errors["target_year"] = _("The target year cannot be before the baseline year.")
        if errors:
            raise ValidationError(errors)


class MeasureUpdate(models.Model):
    """A dated follow-up of a measure by its responsible person, at Brå's three levels: kept
    as history, never edited."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("measure")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="measure_updates",
        verbose_name=_("author"),
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=[validate_in_range])
    output = models.TextField(
        _("what was done"),
        max_length=TEXT_LIMIT,
        help_text=_("Output: activities, how many were reached, what was delivered."),
    )
    process = models.TextField(
        _("how it went"),
        max_length=TEXT_LIMIT,
        blank=True,
        help_text=_("Process: was it carried out as planned, what helped, what got in the way."),
    )
    effect = models.TextField(
        _("effect"),
        max_length=TEXT_LIMIT,
        blank=True,
        help_text=_("Effect: what changed in the indicators or on the ground."),
    )
    status = models.CharField(
        _("status after this update"), max_length=10, choices=MeasureStatus.choices
    )
    previous_status = models.CharField(
        _("status before"), max_length=10, choices=MeasureStatus.choices, editable=False
    )
    hours_spent = models.DecimalField(
        _("hours spent"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Since the last update."),
    )
    money_spent = models.DecimalField(
        _("money spent (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Since the last update."),
    )
    created_at = models.DateTimeField(
        _("recorded"), auto_now_add=True, validators=[validate_in_range]
    )

    objects = scoped_manager(path="measure__plan__municipality")

    class Meta:
        verbose_name = _("measure update")
        verbose_name_plural = _("measure updates")
        ordering = ["measure", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(hours_spent__isnull=True) | Q(hours_spent__gte=0))
                & (Q(money_spent__isnull=True) | Q(money_spent__gte=0)),
                name="measure_update_not_negative",
            ),
            *range_constraints("measure_update", dates=["date"], moments=["created_at"]),
        ]

    def __str__(self):
        return f"{self.measure} ({self.date})"

    @property
    def changed_status(self):
        return self.status != self.previous_status


class MeasureReminder(QuarterlyReminder):
    """One quarterly reminder to a measure's responsible person: unique per measure and
    quarter, like the agreement actions' reminders."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("measure")
    )

    objects = scoped_manager(path="measure__plan__municipality")

    class Meta:
        verbose_name = _("measure reminder")
        verbose_name_plural = _("measure reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "quarter"], name="one_reminder_per_measure_and_quarter"
            ),
            *range_constraints("measure_reminder", moments=["created_at", "sent_at"]),
        ]

    def __str__(self):
        return f"{self.measure} – {self.quarter}"


class PlanReviewReminder(models.Model):
    """The reminder that a plan's review date is 90 days away: one per plan, ever (the
    database decides), its mails in the outbox in the same transaction."""

    plan = models.OneToOneField(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="review_reminder",
        verbose_name=_("action plan"),
    )
    review_date = models.DateField(_("review by"), validators=[validate_in_range])
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(
        _("recorded"), auto_now_add=True, validators=[validate_in_range]
    )

    objects = scoped_manager(path="plan__municipality")

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = range_constraints(
            "plan_review_reminder", dates=["review_date"], moments=["created_at"]
        )

    def __str__(self):
        return f"{self.plan} – {self.review_date}"


class DecisionQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        qs = super().restrict(membership, action)
        if action != "view" and not membership.is_manager:
            return qs.none()
        return qs


class Decision(MunicipalModel):
    """An entry of the decision register: a decision of a body of the crime-prevention work,
    of the municipal council, the executive board or a committee, with what it concerns."""

    made_by = models.CharField(_("decided by"), max_length=10, choices=DecisionMaker.choices)
    body = models.ForeignKey(
        "councils.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("body"),
    )
    board_name = models.CharField(
        _("name of the board"),
        max_length=200,
        blank=True,
        help_text=_("For a board or committee outside Trygghet, e.g. Kommunstyrelsen."),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    paragraph = models.CharField(_("paragraph (§)"), max_length=40, blank=True)
    date = models.DateField(_("date"), validators=[validate_in_range])
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    title = models.CharField(_("subject"), max_length=250)
    text = models.TextField(_("decision"), max_length=TEXT_LIMIT)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="decisions", verbose_name=_("measures")
    )
    agreement_actions = models.ManyToManyField(
        "councils.Action",
        blank=True,
        related_name="decisions",
        verbose_name=_("actions of the agreement"),
    )
    plans = models.ManyToManyField(
        ActionPlan, blank=True, related_name="decisions", verbose_name=_("action plans")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(
        _("recorded"), default=timezone.now, editable=False, validators=[validate_in_range]
    )

    objects = scoped_manager(DecisionQuerySet)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(made_by=DecisionMaker.BODY) | Q(body__isnull=False),
                name="decision_of_a_body_names_it",
            ),
            *range_constraints("decision", dates=["date"], moments=["created_at"]),
        ]

    def __str__(self):
        heading = " ".join(part for part in (self.maker_label, self.paragraph) if part)
        return f"{heading} {self.date:%Y-%m-%d}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "situation_reports:decision-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    @property
    def maker_label(self):
        if self.made_by == DecisionMaker.BODY and self.body_id:
            return str(self.body)
        return self.board_name or self.get_made_by_display()

    def clean(self):
        super().clean()
        errors = {}
        if self.made_by == DecisionMaker.BODY and not self.body_id:
            errors["body"] = _("Say which body decided.")
        if self.body_id and self.body.municipality_id != self.municipality_id:
            errors["body"] = _("This body belongs to another municipality.")
        if self.meeting_id and self.meeting.municipality_id != self.municipality_id:
            errors["meeting"] = _("This meeting belongs to another municipality.")
        if errors:
            raise ValidationError(errors)


class PublicSummary(MunicipalModel):
    """A text the municipality chooses to publish on its public page, e.g. the public summary
    of an approved lägesbild. Never the lägesbild itself: only what is written here."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=TEXT_LIMIT)
    report = models.ForeignKey(
        "situation_reports.SituationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_summaries",
        verbose_name=_("summary of the lägesbild"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, validators=[validate_in_range]
    )
    updated_at = models.DateTimeField(auto_now=True, validators=[validate_in_range])

    class Meta:
        verbose_name = _("public summary")
        verbose_name_plural = _("public summaries")
        ordering = ["-published_on", "-pk"]
        constraints = range_constraints(
            "public_summary", dates=["published_on"], moments=["updated_at"]
        )

    def __str__(self):
        return self.title

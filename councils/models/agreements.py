"""The agreement with the police (samverkansöverenskommelse / samverkansavtal): its focus areas,
goals and their measurements, actions with their follow-ups and reminders, and the citizen
promises."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

from .bodies import Body
from .people import MunicipalityMembership, Organisation, User


class AgreementQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """Everyone in the municipality reads active and ended agreements; drafts are work in
        progress of the managers, who alone change anything."""
        qs = super().restrict(membership, action)
        if membership.is_manager:
            return qs
        if action != "view":
            return qs.none()
        return qs.exclude(status=Agreement.Status.DRAFT)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Agreement(MunicipalModel):
    """The samverkansöverenskommelse (Burlöv) or samverkansavtal (Eslöv) between the
    municipality and its local police area."""

    # Defined outside the class so that the constraint in Meta can name a value of it.
    Status = AgreementStatus

    title = models.CharField(_("title"), max_length=200)
    police_area = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("police area"),
        limit_choices_to={"kind": Organisation.Kind.POLICE},
    )
    start_date = models.DateField(_("period from"), validators=[validate_in_range])
    end_date = models.DateField(_("period to"), validators=[validate_in_range])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    problem_picture = models.TextField(
        _("shared problem picture"),
        blank=True,
        help_text=_("The joint picture of the problems the agreement answers."),
    )
    steering_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steered_agreements",
        verbose_name=_("steering body"),
        help_text=_("The body that leads and follows up the agreement."),
    )
    municipal_signatory = models.CharField(
        _("signed for the municipality by"),
        max_length=200,
        blank=True,
        help_text=_("Name and title, e.g. the chair of the executive board."),
    )
    police_signatory = models.CharField(
        _("signed for the police by"),
        max_length=200,
        blank=True,
        help_text=_("Name and title, e.g. the local police area chief."),
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=[validate_in_range]
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renews"),
    )
    created_at = models.DateTimeField(
        _("created"), auto_now_add=True, validators=[validate_in_range]
    )

    objects = scoped_manager(AgreementQuerySet)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["municipality", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="agreement_period_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(status=AgreementStatus.ACTIVE),
                name="one_active_agreement_per_municipality",
                violation_error_message=_(
                    "Another agreement of the municipality is active: end it first."
                ),
            ),
            *range_constraints(
                "agreement",
                dates=["start_date", "end_date", "signed_on"],
                moments=["created_at"],
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "councils:agreement-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The period must end after it starts.")
        if self.municipality_id:
            if (
                self.police_area_id
                and not self.police_area.municipalities.filter(pk=self.municipality_id).exists()
            ):
                errors["police_area"] = _("This police area does not serve the municipality.")
            if self.steering_body_id and self.steering_body.municipality_id != self.municipality_id:
                errors["steering_body"] = _("The steering body belongs to another municipality.")
            if (
                self.status == self.Status.ACTIVE
                and Agreement.objects.filter(
                    municipality_id=self.municipality_id, status=self.Status.ACTIVE
                )
                .exclude(pk=self.pk)
                .exists()
            ):
                errors["status"] = _(
                    "Another agreement of the municipality is active: end it first."
                )
        if self.signed_on and not (self.municipal_signatory or self.police_signatory):
            errors["municipal_signatory"] = _("Say who signed the agreement.")
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self):
        return f"{self.start_date:%Y-%m-%d} – {self.end_date:%Y-%m-%d}"

    @property
    def is_renewed(self):
        return hasattr(self, "renewal")


class FocusAreaQuerySet(MunicipalQuerySet):
    municipality_field = "agreement__municipality"

    def restrict(self, membership, action="view"):
        # Whoever may read (or change) the agreement may read (or change) its parts.
        return self.filter(agreement__in=Agreement.objects.restrict(membership, action))


class FocusArea(models.Model):
    """A prioritised problem of the agreement (fokusområde), e.g. youth crime and drugs."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    causes = models.TextField(
        _("likely causes"), blank=True, help_text=_("What the problem picture says drives it.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = scoped_manager(FocusAreaQuerySet)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["agreement", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "title"], name="focus_area_unique_title")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.agreement.get_absolute_url() + f"#focus-area-{self.pk}"


class GoalQuerySet(MunicipalQuerySet):
    municipality_field = "focus_area__agreement__municipality"

    def restrict(self, membership, action="view"):
        return self.filter(focus_area__agreement__in=Agreement.objects.restrict(membership, action))

    def with_latest_measurement(self):
        latest = GoalMeasurement.objects.filter(goal=OuterRef("pk")).order_by("-measured_on", "-pk")
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_measured_on=Subquery(latest.values("measured_on")[:1]),
        )


class Direction(models.TextChoices):
    DECREASE = "decrease", _("lower is better")
    INCREASE = "increase", _("higher is better")


class TargetMixin:
    """A baseline, a target and the direction that is better (``baseline``, ``target``,
    ``direction``): the agreement's goals and the action plan's indicators of a measure."""

    def target_errors(self):
        """{field: message} when the target lies on the wrong side of the baseline."""
        if self.baseline is None or self.target is None:
            return {}
        if self.direction == Direction.DECREASE and self.target > self.baseline:
            return {"target": _("Lower is better here: the target cannot be above the baseline.")}
        if self.direction == Direction.INCREASE and self.target < self.baseline:
            return {"target": _("Higher is better here: the target cannot be below the baseline.")}
        return {}

    def is_met(self, value):
        if value is None:
            return None
        if self.direction == Direction.DECREASE:
            return value <= self.target
        return value >= self.target


class Goal(TargetMixin, models.Model):
    """A measurable goal of a focus area: indicator, baseline, target, unit and date."""

    Direction = Direction

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="goals", verbose_name=_("focus area")
    )
    title = models.CharField(_("goal"), max_length=250)
    indicator = models.CharField(
        _("indicator"),
        max_length=250,
        help_text=_("What is measured, e.g. reported drug offences among 15–20-year-olds."),
    )
    unit = models.CharField(_("unit"), max_length=40, help_text=_("e.g. %, number, per 1,000"))
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_date = models.DateField(
        _("baseline date"), null=True, blank=True, validators=[validate_in_range]
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("target date"), validators=[validate_in_range])
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.DECREASE
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = scoped_manager(GoalQuerySet)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["focus_area", "pk"]
        constraints = range_constraints("goal", dates=["baseline_date", "target_date"])

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = self.target_errors()
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("The target date must follow the baseline.")
        if errors:
            raise ValidationError(errors)

    @property
    def source_to_show(self):
        """The source, unless the indicator already names it: "… narkotika (CAN)" with the
        source CAN read "(CAN) (CAN)" (issue 12, point 11)."""
        source = self.source.strip()
        named = re.search(rf"(?<!\w){re.escape(source)}(?!\w)", self.indicator, re.IGNORECASE)
        if source and not named:
            return source
        return ""

    @property
    def latest_is_met(self):
        return self.is_met(getattr(self, "latest_value", None))


class GoalMeasurement(models.Model):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("goal")
    )
    measured_on = models.DateField(_("date"), validators=[validate_in_range])
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = scoped_manager(path="goal__focus_area__agreement__municipality")

    class Meta:
        verbose_name = _("goal measurement")
        verbose_name_plural = _("goal measurements")
        ordering = ["goal", "-measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "measured_on"],
                name="one_measurement_per_goal_and_date",
                violation_error_message=_("There is already a value for this date."),
            ),
            *range_constraints("goal_measurement", dates=["measured_on"]),
        ]

    def __str__(self):
        return f"{self.goal}: {self.value} ({self.measured_on})"


class ActionQuerySet(MunicipalQuerySet):
    municipality_field = "focus_area__agreement__municipality"

    def restrict(self, membership, action="view"):
        return self.filter(focus_area__agreement__in=Agreement.objects.restrict(membership, action))

    def open(self):
        return self.filter(status__in=Action.OPEN_STATUSES)

    def with_follow_up(self, today=None):
        """Annotate ``is_late`` (derived, never stored) and ``last_update_on``."""
        today = today or timezone.localdate()
        return self.annotate(
            last_update_on=Max("updates__date"),
            is_late=ExpressionWrapper(
                Q(due_date__lt=today, status__in=Action.OPEN_STATUSES), output_field=BooleanField()
            ),
        )

    def late(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today, status__in=Action.OPEN_STATUSES)

    def stale(self, today=None, days=90):
        """Open actions without a follow-up in ``days`` days (counted from the start date when
        there has never been one; an action that has not started yet is not stale)."""
        today = today or timezone.localdate()
        since = today - datetime.timedelta(days=days)
        recent = ActionUpdate.objects.filter(action=OuterRef("pk"), date__gt=since)
        return self.open().filter(start_date__lte=since).exclude(Exists(recent))


class Action(models.Model):
    """An insats: something an organisation has promised to do under a focus area."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    # Not finished: followed up, reminded of, counted late, and carried over on renewal.
    OPEN_STATUSES = (Status.PLANNED, Status.ONGOING)

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="actions", verbose_name=_("focus area")
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("responsible organisation"),
    )
    working_group = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("working group"),
    )
    lead = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="led_actions", verbose_name=_("lead")
    )
    start_date = models.DateField(_("start"), validators=[validate_in_range])
    due_date = models.DateField(_("due"), validators=[validate_in_range])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    is_priority = models.BooleanField(
        _("prioritised"), default=False, help_text=_("A prioritised action of the agreement.")
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("continues"),
    )
    created_at = models.DateTimeField(
        _("created"), auto_now_add=True, validators=[validate_in_range]
    )

    objects = scoped_manager(ActionQuerySet)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["focus_area", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")),
                name="action_due_on_or_after_start",
            ),
            *range_constraints("action", dates=["start_date", "due_date"], moments=["created_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "councils:action-detail",
            kwargs={"municipality": self.focus_area.agreement.municipality.slug, "pk": self.pk},
        )

    @property
    def late(self):
        """Derived, never stored: open and past its due date."""
        if hasattr(self, "is_late"):
            return self.is_late
        return self.status in self.OPEN_STATUSES and self.due_date < timezone.localdate()

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date cannot be before the start.")
        if self.focus_area_id:
            municipality_id = self.focus_area.agreement.municipality_id
            if self.working_group_id and self.working_group.municipality_id != municipality_id:
                errors["working_group"] = _("This group belongs to another municipality.")
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
                self.lead_id
                and not MunicipalityMembership.objects.filter(
                    user_id=self.lead_id, municipality_id=municipality_id, is_active=True
                ).exists()
            ):
                errors["lead"] = _("The lead must have a role in the municipality.")
        if errors:
            raise ValidationError(errors)


class ActionUpdate(models.Model):
    """A dated follow-up of an action by its lead: kept as history, never edited."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action")
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="action_updates", verbose_name=_("author")
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=[validate_in_range])
    note = models.TextField(_("progress"))
    status = models.CharField(
        _("status after this update"), max_length=10, choices=Action.Status.choices
    )
    previous_status = models.CharField(
        _("status before"), max_length=10, choices=Action.Status.choices, editable=False
    )
    hours_spent = models.DecimalField(
        _("hours spent"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Since the last update. Brå's follow-up asks for the cost of actions."),
    )
    created_at = models.DateTimeField(
        _("recorded"), auto_now_add=True, validators=[validate_in_range]
    )

    objects = scoped_manager(path="action__focus_area__agreement__municipality")

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["action", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_spent__isnull=True) | Q(hours_spent__gte=0),
                name="action_update_hours_not_negative",
            ),
            *range_constraints("action_update", dates=["date"], moments=["created_at"]),
        ]

    def __str__(self):
        return f"{self.action} ({self.date})"

    @property
    def changed_status(self):
        return self.status != self.previous_status


class QuarterlyReminder(models.Model):
    """One quarterly reminder to whoever follows something up (an action's lead, a measure's
    responsible person: ``councils.services.reminders.remind_each_quarter``). The subclass's
    unique (item, quarter) pair makes the reminder task idempotent: the row is recorded with
    its mail in the outbox (one transaction), and ``sent_at`` is when that mail was handed to
    the outbox, which sends it."""

    quarter = models.CharField(_("quarter"), max_length=7, help_text="e.g. 2026Q4")
    recipient = models.EmailField(_("recipient"), blank=True)
    created_at = models.DateTimeField(
        _("recorded"), auto_now_add=True, validators=[validate_in_range]
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, validators=[validate_in_range])

    class Meta:
        abstract = True


class ActionReminder(QuarterlyReminder):
    """One quarterly reminder to an action's lead."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("action")
    )

    objects = scoped_manager(path="action__focus_area__agreement__municipality")

    class Meta:
        verbose_name = _("action reminder")
        verbose_name_plural = _("action reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "quarter"], name="one_reminder_per_action_and_quarter"
            ),
            *range_constraints("action_reminder", moments=["created_at", "sent_at"]),
        ]

    def __str__(self):
        return f"{self.action} – {self.quarter}"


class CitizenPromise(models.Model):
    """A medborgarlöfte: the public part of the agreement, promised to the residents."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        KEPT = "kept", _("kept")
        NOT_KEPT = "not_kept", _("not kept")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="citizen_promises",
        verbose_name=_("agreement"),
    )
    title = models.CharField(_("promise"), max_length=250)
    description = models.TextField(_("what we will do"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    is_public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_("The promise and its follow-ups, for the residents (no login)."),
    )

    objects = scoped_manager(path="agreement__municipality")

    class Meta:
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")
        ordering = ["agreement", "pk"]

    def __str__(self):
        return self.title


class CitizenPromiseUpdate(models.Model):
    """The follow-up of a citizen promise, e.g. for the yearly report to the residents."""

    promise = models.ForeignKey(
        CitizenPromise, on_delete=models.CASCADE, related_name="updates", verbose_name=_("promise")
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    date = models.DateField(_("date"), default=timezone.localdate, validators=[validate_in_range])
    note = models.TextField(_("follow-up"))
    status = models.CharField(
        _("status after this follow-up"), max_length=10, choices=CitizenPromise.Status.choices
    )

    objects = scoped_manager(path="promise__agreement__municipality")

    class Meta:
        verbose_name = _("citizen promise follow-up")
        verbose_name_plural = _("citizen promise follow-ups")
        ordering = ["promise", "-date", "-pk"]
        constraints = range_constraints("citizen_promise_update", dates=["date"])

    def __str__(self):
        return f"{self.promise} ({self.date})"

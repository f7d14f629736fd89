import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet import tenancy as access
from trygghet.limits import latitude_field, longitude_field, range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

# Top-level URL words that a municipality slug may not take (see trygghet/urls.py).
RESERVED_SLUGS = {
    "admin",
    "accounts",
    "healthz",
    "readyz",
    "static",
    "media",
    "i18n",
    "share",
    "calendar",
    "api",
    "jsi18n",
    "favicon.ico",
    "robots.txt",
}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved by the application."), params={"slug": value}
        )


class User(AbstractUser):
    """A person who works with Trygghet. Members of bodies are users too; a person who never
    logs in simply has no usable password."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Django's own fields, with the range every date of Trygghet keeps (the admin edits them).
    last_login = models.DateTimeField(
        _("last login"), blank=True, null=True, validators=[validate_in_range]
    )
    date_joined = models.DateTimeField(
        _("date joined"), default=timezone.now, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]
        constraints = range_constraints("user", moments=["last_login", "date_joined"])

    def __str__(self):
        return self.get_full_name() or self.username


class MunicipalityQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user, memberships__is_active=True)


class Municipality(models.Model):
    """The scoping root: every municipal row belongs to exactly one municipality."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Begins every address of the municipality's pages, e.g. /burlov/."),
    )
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality code has four digits."))],
        help_text=_("Statistics Sweden's code, e.g. 1231 for Burlöv."),
    )
    county = models.CharField(_("county"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboard", kwargs={"municipality": self.slug})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("municipal administration")
        MUNICIPAL_COMPANY = "municipal_company", _("municipal company")
        POLICE = "police", _("police")
        RESCUE_SERVICE = "rescue_service", _("rescue service")
        HOUSING_COMPANY = "housing_company", _("housing company")
        SECURITY_COMPANY = "security_company", _("security company")
        ASSOCIATION = "association", _("association")
        OTHER = "other", _("other")

    # Offence data about identifiable people may only be handled by public authorities
    # (GDPR art. 10): these kinds may read restricted incidents, no other.
    PUBLIC_AUTHORITY_KINDS = frozenset(
        {Kind.MUNICIPAL_ADMINISTRATION, Kind.POLICE, Kind.RESCUE_SERVICE}
    )

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="organisations",
        verbose_name=_("municipalities"),
        help_text=_("A police area or rescue service may serve several municipalities."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="organisation_unique_name")]

    def __str__(self):
        return self.name

    @property
    def is_public_authority(self):
        return self.kind in self.PUBLIC_AUTHORITY_KINDS


class MunicipalityMembership(models.Model):
    """A user's place in a municipality: the role decides what they may do there, the
    organisation whom they represent (and whether they may read restricted data)."""

    class Role(models.TextChoices):
        ADMIN = access.ADMIN, _("administrator")
        COORDINATOR = access.COORDINATOR, _("coordinator")
        MEMBER = access.MEMBER, _("member")
        PARTNER = access.PARTNER, _("partner")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="municipality_memberships",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipality_memberships",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped_manager(path="municipality")

    class Meta:
        verbose_name = _("municipal role")
        verbose_name_plural = _("municipal roles")
        ordering = ["municipality__name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="one_role_per_user_and_municipality"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"

    @property
    def is_manager(self):
        """Admins and coordinators manage the municipality's content."""
        return self.role in access.MANAGERS

    @property
    def is_admin(self):
        return self.role == access.ADMIN

    @property
    def can_read_restricted(self):
        """Restricted data is for public authorities only (never private companies)."""
        if self.organisation is None:
            return self.user.is_superuser
        return self.organisation.is_public_authority


class BodyQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """Managers see every body of the municipality; members and partners the bodies in
        which they hold a current seat (body membership decides what a person reads)."""
        qs = super().restrict(membership, action)
        if membership.is_manager:
            return qs
        if action != "view":
            return qs.none()
        today = timezone.localdate()
        return qs.filter(
            Exists(
                Membership.objects.current(today).filter(
                    body=OuterRef("pk"), user_id=membership.user_id
                )
            )
        )

    def active(self):
        return self.filter(is_active=True)


class Body(MunicipalModel):
    """A group that meets: strategic council, preparation group, working group, situation
    group (Örat mot marken) or another council."""

    class Kind(models.TextChoices):
        STRATEGIC_COUNCIL = "strategic_council", _("strategic council")
        PREPARATION_GROUP = "preparation_group", _("preparation group")
        WORKING_GROUP = "working_group", _("working group")
        SITUATION_GROUP = "situation_group", _("situation group")
        COUNCIL = "council", _("council")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    mandate = models.TextField(_("mandate"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent body"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped_manager(BodyQuerySet)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="body_unique_name",
                violation_error_message=_("The municipality already has a body of this name."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="body_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "councils:body-detail", kwargs={"municipality": self.municipality.slug, "pk": self.pk}
        )

    def clean(self):
        super().clean()
        if self.parent_id is None:
            if self.kind == self.Kind.WORKING_GROUP:
                raise ValidationError(
                    {"parent": _("A working group belongs to the body that appointed it.")}
                )
            return
        parent = self.parent
        if self.municipality_id and parent.municipality_id != self.municipality_id:
            raise ValidationError({"parent": _("The parent body belongs to another municipality.")})
        # Walk up from the parent: meeting this body again means a cycle. The walk is bounded
        # by the number of bodies, since the chain it follows is finite without a cycle.
        seen = set()
        node = parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A body cannot be placed under itself or one of its own groups.")}
                )
            if node.pk in seen:  # an existing cycle elsewhere: stop, do not loop forever
                break
            seen.add(node.pk)
            node = node.parent

    def ancestors(self):
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class MembershipQuerySet(MunicipalQuerySet):
    municipality_field = "body__municipality"

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def past(self, on=None):
        on = on or timezone.localdate()
        return self.filter(end_date__lt=on)

    def restrict(self, membership, action="view"):
        """Seats in the bodies this membership may read."""
        qs = super().restrict(membership, action)
        if membership.is_manager:
            return qs
        return qs.filter(body__in=Body.objects.restrict(membership, action))


class Membership(models.Model):
    """A person's seat in a body. History is kept: a person who leaves gets an end date."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")
        CO_OPTED = "co_opted", _("co-opted")

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="body_memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_memberships",
        verbose_name=_("represents"),
    )
    start_date = models.DateField(_("from"), null=True, blank=True, validators=[validate_in_range])
    end_date = models.DateField(_("to"), null=True, blank=True, validators=[validate_in_range])

    objects = scoped_manager(MembershipQuerySet)

    class Meta:
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")
        ordering = ["body", "role", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            *range_constraints("membership", dates=["start_date", "end_date"]),
        ]

    def __str__(self):
        return f"{self.user} – {self.body} ({self.get_role_display()})"

    @property
    def is_current(self):
        today = timezone.localdate()
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("A membership cannot end before it starts.")
        # In an admin inline the body may be new (no id yet) but already set on the seat.
        body = self.body if (self.body_id or Membership.body.is_cached(self)) else None
        if body is not None:
            if (
                self.organisation_id
                and not self.organisation.municipalities.filter(pk=body.municipality_id).exists()
            ):
                errors["organisation"] = _(
                    "This organisation does not work in the body's municipality."
                )
            if (
                self.user_id
                and not MunicipalityMembership.objects.filter(
                    user_id=self.user_id, municipality_id=body.municipality_id, is_active=True
                ).exists()
            ):
                errors["user"] = _("This person has no role in the body's municipality.")
            elif self.user_id and "end_date" not in errors:
                # Two seats of one person in one body may follow each other, never overlap.
                overlapping = Membership.objects.filter(body=body, user_id=self.user_id).exclude(
                    pk=self.pk
                )
                if self.end_date:
                    overlapping = overlapping.filter(
                        Q(start_date__isnull=True) | Q(start_date__lte=self.end_date)
                    )
                if self.start_date:
                    overlapping = overlapping.filter(
                        Q(end_date__isnull=True) | Q(end_date__gte=self.start_date)
                    )
                if overlapping.exists():
                    errors["user"] = _(
                        "This person already has a seat in the body for this period: change "
                        "that seat instead."
                    )
        if errors:
            raise ValidationError(errors)


# --- The agreement with the police ---------------------------------------------------------


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


class Agreement(MunicipalModel):
    """The samverkansöverenskommelse (Burlöv) or samverkansavtal (Eslöv) between the
    municipality and its local police area."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

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
                condition=Q(status="active"),
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


class Goal(models.Model):
    """A measurable goal of a focus area: indicator, baseline, target, unit and date."""

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("lower is better")
        INCREASE = "increase", _("higher is better")

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
        if self.baseline is not None and self.target is not None:
            if self.direction == self.Direction.DECREASE and self.target > self.baseline:
                raise ValidationError(
                    {"target": _("Lower is better here: the target cannot be above the baseline.")}
                )
            if self.direction == self.Direction.INCREASE and self.target < self.baseline:
                raise ValidationError(
                    {"target": _("Higher is better here: the target cannot be below the baseline.")}
                )
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            raise ValidationError({"target_date": _("The target date must follow the baseline.")})

    def is_met(self, value):
        if value is None:
            return None
        if self.direction == self.Direction.DECREASE:
            return value <= self.target
        return value >= self.target

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


OPEN_STATUSES = ("planned", "ongoing")


class ActionQuerySet(MunicipalQuerySet):
    municipality_field = "focus_area__agreement__municipality"

    def restrict(self, membership, action="view"):
        return self.filter(focus_area__agreement__in=Agreement.objects.restrict(membership, action))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_follow_up(self, today=None):
        """Annotate ``is_late`` (derived, never stored) and ``last_update_on``."""
        today = today or timezone.localdate()
        return self.annotate(
            last_update_on=Max("updates__date"),
            is_late=ExpressionWrapper(
                Q(due_date__lt=today, status__in=OPEN_STATUSES), output_field=BooleanField()
            ),
        )

    def late(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today, status__in=OPEN_STATUSES)

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
        return self.status in OPEN_STATUSES and self.due_date < timezone.localdate()

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

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

    def may_post_update(self, membership):
        return membership.is_manager or membership.user_id == self.lead_id


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


class ActionReminder(models.Model):
    """One quarterly reminder to an action's lead. The unique (action, quarter) pair makes the
    reminder task idempotent: the row is recorded with its mail in the outbox (one
    transaction), and ``sent_at`` is when that mail was handed to the outbox, which sends it."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("action")
    )
    quarter = models.CharField(_("quarter"), max_length=7, help_text="e.g. 2026Q4")
    recipient = models.EmailField(_("recipient"), blank=True)
    created_at = models.DateTimeField(
        _("recorded"), auto_now_add=True, validators=[validate_in_range]
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, validators=[validate_in_range])

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


# --- Geography ---------------------------------------------------------------------------------


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

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet import tenancy as access
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet

# Top-level URL words that a municipality slug may not take (see trygghet/urls.py).
RESERVED_SLUGS = {
    "admin",
    "accounts",
    "healthz",
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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

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

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="body_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "councils:body-detail", kwargs={"municipality": self.municipality.slug, "pk": self.pk}
        )


class MembershipQuerySet(MunicipalQuerySet):
    municipality_field = "body__municipality"

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


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
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

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
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.body} ({self.get_role_display()})"

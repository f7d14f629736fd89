"""People and whom they represent: users, organisations, and a user's role in a municipality."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet import tenancy as access
from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import scoped_manager

from .municipalities import Municipality


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
    # Issue 17 (trygghet/sso.py): off, its people log in through single sign-on only (while
    # SSO is configured). Superusers keep password login whatever their organisation.
    password_login = models.BooleanField(
        _("password login allowed"),
        default=True,
        help_text=_(
            "Turn off when the organisation's people log in with single sign-on only: they can "
            "then no longer log in with a password."
        ),
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

"""API tokens: how a partner's system reads and logs incidents through the API (issue 15).

**Whose view a token has.** A token belongs to one municipality and one organisation, and is
issued through one active person of that organisation in the municipality (the system's
contact, who answers for it). A request with the token acts as a *partner* of that organisation
(``ApiToken.acting_membership``: an unsaved ``MunicipalityMembership`` with role ``partner``, the
token's organisation and the person's user). So ``restrict`` receives an object with exactly the
semantics of a partner membership of that organisation, and every rule of the web pages applies
unchanged: restricted incidents only when the organisation is a public authority (a security or
housing company's token never sees one, nor a figure made from one), meetings of the bodies the
person sits in, a lägesbild at a partner's level of detail. The role is always ``partner``,
whatever the person's own role: a coordinator's system token cannot do what only the
coordinator's own login may. The token stops working when the person is deactivated, leaves
the municipality or changes organisation (it was issued for that organisation, and must never
follow a person into one that reads more).

**Stored as a hash.** The secret is shown once, when the token is made; only its SHA-256 is
kept (with an eight-character prefix to tell tokens apart in lists). A fast hash is enough:
the secret is 256 random bits, not a password a person chose, so it cannot be guessed from the
hash by trying likely values, and a fast hash lets the look-up be one indexed query.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet import tenancy
from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

from .people import MunicipalityMembership, Organisation

TOKEN_PREFIX = "tryg_"
# How often ``last_used_at`` is written: at most once a minute per token.
LAST_USED_RESOLUTION = 60


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret():
    """A fresh token: ``tryg_`` and 43 characters of 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(MunicipalQuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(MunicipalModel):
    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE_INCIDENTS = "write_incidents", _("log incidents")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which system uses it, e.g. “Guard reports”.")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("contact person"),
    )
    # The scopes, as two flags (SQLite has no arrays): at least one is set.
    can_read = models.BooleanField(_("read"), default=True)
    can_write_incidents = models.BooleanField(_("log incidents"), default=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, validators=[validate_in_range]
    )
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, validators=[validate_in_range]
    )
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, validators=[validate_in_range]
    )

    objects = scoped_manager(ApiTokenQuerySet)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_read=True) | Q(can_write_incidents=True),
                name="api_token_has_a_scope",
            ),
            *range_constraints("api_token", moments=["created_at", "last_used_at", "revoked_at"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def scopes(self):
        return [
            scope
            for scope, granted in (
                (self.Scope.READ, self.can_read),
                (self.Scope.WRITE_INCIDENTS, self.can_write_incidents),
            )
            if granted
        ]

    def has_scope(self, scope):
        return scope in self.scopes

    def scope_labels(self):
        labels = dict(self.Scope.choices)
        return [str(labels[s]) for s in self.scopes]

    def acting_membership(self, membership):
        """The partner membership this token acts as (see the module's docstring), from the
        person's own active membership in the municipality, or None when the token no longer
        works (the person left, was deactivated or changed organisation)."""
        if (
            membership is None
            or not membership.is_active
            or not membership.user.is_active
            or membership.municipality_id != self.municipality_id
            or membership.organisation_id != self.organisation_id
        ):
            return None
        return MunicipalityMembership(
            user=membership.user,
            municipality=membership.municipality,
            organisation=membership.organisation,
            role=tenancy.PARTNER,
            title=membership.title,
            is_active=True,
        )


class ApiIdempotencyKey(MunicipalModel):
    """A client's ``Idempotency-Key`` for a create: unique per token, so a retry finds the row
    the first request made (the unique constraint is the guard, also against two requests at
    once) and never makes a second; the fingerprint of the body tells a retry from a
    different request that reuses the key."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    # What the create made: ``situation_reports.Incident`` (councils builds no foreign key to
    # the apps above it).
    object_type = models.CharField(max_length=100)
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_in_range])

    objects = scoped_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_per_token"),
            models.CheckConstraint(condition=~Q(key=""), name="api_idempotency_key_not_empty"),
            *range_constraints("api_idempotency", moments=["created_at"]),
        ]

    def __str__(self):
        return self.key

"""Bodies (councils, groups) of a municipality and the seats people hold in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager

from .people import MunicipalityMembership, Organisation, User


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

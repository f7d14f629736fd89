"""Tenancy at the model level: roles, the municipal queryset and the abstract municipal model.

Views use these through ``trygghet.access`` (which also holds the view decorator and mixin);
models import them from here, since ``access`` needs the auth app loaded.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

ADMIN = "admin"
COORDINATOR = "coordinator"
MEMBER = "member"
PARTNER = "partner"
MANAGERS = (ADMIN, COORDINATOR)
EVERYONE = (ADMIN, COORDINATOR, MEMBER, PARTNER)


class MunicipalQuerySet(models.QuerySet):
    """Queryset of rows that belong to one municipality through a ``municipality`` field."""

    municipality_field = "municipality"

    def in_municipality(self, municipality):
        return self.filter(**{self.municipality_field: municipality})

    def restrict(self, membership, action="view"):
        """What this membership may see (or, with another ``action``, do) in its municipality.

        The base rule: rows of the membership's municipality. Override for finer rules and
        always call ``super().restrict(...)`` first.
        """
        return self.in_municipality(membership.municipality)

    def for_user(self, user):
        """Rows of every municipality the user is an active member of."""
        from councils.models import Municipality

        return self.filter(
            **{f"{self.municipality_field}__in": Municipality.objects.for_user(user)}
        )


class MunicipalModel(models.Model):
    """Abstract base of every row that belongs to one municipality."""

    municipality = models.ForeignKey(
        "councils.Municipality", on_delete=models.PROTECT, verbose_name=_("municipality")
    )

    objects = MunicipalQuerySet.as_manager()

    class Meta:
        abstract = True

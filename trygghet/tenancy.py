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


def sees_restricted(viewer):
    """THE COUNT RULE's one question (issue 9; README "Who sees what: restricted incidents"):
    may what is shown to ``viewer`` come from restricted incidents? Only for public
    authorities. ``viewer`` is a membership, or None for a share-link guest (never).

    Every figure shown to someone else is computed only from the incidents they may read
    (``Incident.objects.counted(membership)``), so it is exactly what they can list, and no
    small-cell suppression is needed: nothing restricted is in it to protect."""
    return viewer is not None and viewer.can_read_restricted


def pick_for(viewer, *, with_restricted, open_only):
    """Of a stored artefact's two figures (a compiled lägesbild, an agenda item), the one
    ``viewer`` sees under the count rule."""
    return with_restricted if sees_restricted(viewer) else open_only


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

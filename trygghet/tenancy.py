"""Tenancy at the model level: roles, scoping, the municipal queryset and the abstract model.

**Scoping by construction** (django-scopes). Every municipal model's default manager is a
``scoped_manager``: inside ``scope(municipality=m)`` it returns only rows of ``m``; with no
municipality in scope it refuses every query (``ScopeError``), so a municipal row cannot be
read without saying whose view it is. Who activates the scope:

- a request: ``trygghet.middleware.ScopeMiddleware`` starts every request with no municipality
  in scope, and ``@municipal_view`` (``trygghet.access``) activates the URL's municipality;
- a task: ``trygghet.celery.TrygghetTask`` (every task's base) starts with none, and a task made
  with ``@municipal_task`` activates the municipality of its first argument;
- code that works for several municipalities loops with ``each_municipality()``.

A deliberate read across municipalities says ``with scopes_disabled():`` (the Django admin,
which is for the installation's operators, management commands, the demo, benchmarks, the
share-link and calendar-token look-ups): ``grep -rn scopes_disabled`` lists every one.
``restrict(membership)`` stays for the finer rules inside a municipality.

Views use these through ``trygghet.access``; models import them from here.
"""

from contextlib import contextmanager

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet

__all__ = [
    "ADMIN",
    "COORDINATOR",
    "EVERYONE",
    "MANAGERS",
    "MEMBER",
    "PARTNER",
    "MunicipalModel",
    "MunicipalQuerySet",
    "each_municipality",
    "pick_for",
    "scope",
    "scoped_manager",
    "scopes_disabled",
    "sees_restricted",
]

ADMIN = "admin"
COORDINATOR = "coordinator"
MEMBER = "member"
PARTNER = "partner"
MANAGERS = (ADMIN, COORDINATOR)
EVERYONE = (ADMIN, COORDINATOR, MEMBER, PARTNER)

# The one dimension of scoping.
DIMENSION = "municipality"


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
    """Queryset of rows that belong to one municipality through ``municipality_field``."""

    municipality_field = "municipality"

    def in_municipality(self, municipality):
        return self.filter(**{self.municipality_field: municipality})

    def restrict(self, membership, action="view"):
        """What this membership may see (or, with another ``action``, do) in its municipality.

        The base rule: rows of the membership's municipality. Override for finer rules and
        always call ``super().restrict(...)`` first.
        """
        return self.in_municipality(membership.municipality)


def _scope_decided():
    """True when a query may run: scoping is off, or a municipality is in scope."""
    state = get_scope()
    return not state.get("_enabled", True) or DIMENSION in state


def _refusing(queryset_class):
    """A queryset of ``queryset_class`` on which every query (custom methods such as
    ``restrict`` included, since they end in ``filter``) raises ``ScopeError``.

    ``all()`` alone does not raise: it is how Django copies a queryset it holds, notably a
    form field's, made when the form class was defined (at import, outside any scope). When a
    scope has since been activated, ``all()`` answers with the manager's queryset of that
    scope, so a form instantiated in a request offers that municipality's rows only."""

    def all(self):
        if _scope_decided():
            return self.model._default_manager.db_manager(self._db).all()
        return self._chain()

    return type(
        f"Unscoped{queryset_class.__name__}", (DisabledQuerySet, queryset_class), {"all": all}
    )


def scoped_manager(queryset_class=MunicipalQuerySet, path=None):
    """The default manager of a municipal model: rows of the municipality in scope, or a
    ``ScopeError`` when none is. ``path`` leads from the model to its municipality (default:
    the queryset's ``municipality_field``)."""
    path = path or getattr(queryset_class, "municipality_field", "municipality")
    base = type(
        ScopedManager(
            _manager_class=models.Manager.from_queryset(queryset_class), **{DIMENSION: path}
        )
    )
    refusing = _refusing(queryset_class)

    class MunicipalManager(base):
        def get_queryset(self):
            queryset = super().get_queryset()
            if type(queryset) is DisabledQuerySet:
                return refusing(self.model, using=self._db, missing_scopes=[DIMENSION])
            return queryset

    MunicipalManager.__name__ = f"Scoped{queryset_class.__name__}Manager"
    return MunicipalManager()


def shared_or_scoped_manager(queryset_class, path="municipality"):
    """For rows that are either national (no municipality) or one municipality's own, such as
    incident categories: in a scope the national rows and that municipality's; with none in
    scope every query refuses, as for a municipal row."""
    refusing = _refusing(queryset_class)

    class SharedOrScopedManager(models.Manager.from_queryset(queryset_class)):
        def get_queryset(self):
            state = get_scope()
            queryset = super().get_queryset()
            if not state.get("_enabled", True):
                return queryset
            if DIMENSION not in state:
                return refusing(self.model, using=self._db, missing_scopes=[DIMENSION])
            value = state[DIMENSION]
            lookup = f"{path}__in" if isinstance(value, list | tuple) else path
            return queryset.filter(Q(**{f"{path}__isnull": True}) | Q(**{lookup: value}))

    return SharedOrScopedManager()


def each_municipality(municipalities=None):
    """Iterate over municipalities (default: all), each inside its own scope: the way code that
    serves every municipality (beat sweeps) reads their rows."""
    # councils.models builds on this module (MunicipalModel, scoped_manager): not at the top.
    from councils.models import Municipality

    if municipalities is None:
        municipalities = Municipality.objects.all()
    for municipality in municipalities:
        with municipality_scope(municipality):
            yield municipality


@contextmanager
def municipality_scope(municipality):
    """Activate one municipality (an object or its id), or several (a list: an empty list
    finds nothing). Never ``None``: django-scopes would read that as "no filter"."""
    if municipality is None:
        raise ValueError("municipality_scope needs a municipality, never None")
    if isinstance(municipality, list | tuple | set) and None in municipality:
        raise ValueError("municipality_scope needs municipalities, never None")
    if isinstance(municipality, set):
        municipality = list(municipality)
    with scope(**{DIMENSION: municipality}):
        yield


class MunicipalModel(models.Model):
    """Abstract base of every row that belongs to one municipality."""

    municipality = models.ForeignKey(
        "councils.Municipality", on_delete=models.PROTECT, verbose_name=_("municipality")
    )

    objects = scoped_manager()

    class Meta:
        abstract = True

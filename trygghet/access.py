"""The one access mechanism of Trygghet.

Every municipal page is reached as ``/<municipality-slug>/...``. A view declares who may use it
with ``@municipal_view(...)``: an anonymous visitor is sent to the login page, a user who is
not a member of that municipality gets 404 (never 403, and never data), and the view receives
``request.municipality`` and ``request.membership``. Every query for municipal rows then starts from
``Model.objects.restrict(request.membership)``: a row of another municipality cannot be found,
so it answers 404 by construction. The view runs inside ``scope(municipality=...)`` (see
``trygghet.tenancy``): even a query that forgets ``restrict`` sees this municipality's rows only,
and a query outside any municipal view is refused.

Models whose rows have finer rules (confidential incidents, meetings of a body) override
``restrict`` on their queryset; the signature stays the same.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_scopes import scopes_disabled

from councils.models import Municipality, MunicipalityMembership

from .tenancy import (  # noqa: F401  (re-exported: views import everything from here)
    ADMIN,
    COORDINATOR,
    EVERYONE,
    MANAGERS,
    MEMBER,
    PARTNER,
    MunicipalModel,
    MunicipalQuerySet,
    municipality_scope,
    pick_for,
    sees_restricted,
)


def get_membership(user, municipality_slug):
    """The user's membership in the municipality with this slug, or 404.

    A superuser who is not a member acts as an admin (an unsaved membership without an
    organisation, which still counts as a public authority).
    """

    if not user.is_authenticated:
        raise Http404
    # The access decision itself: the user's own membership, found by the address's slug
    # before any municipality is in scope.
    with scopes_disabled():
        membership = (
            MunicipalityMembership.objects.select_related("municipality", "organisation", "user")
            .filter(user=user, municipality__slug=municipality_slug, is_active=True)
            .first()
        )
    if membership is not None:
        return membership
    if user.is_superuser:
        municipality = Municipality.objects.filter(slug=municipality_slug).first()
        if municipality is not None:
            return MunicipalityMembership(
                user=user, municipality=municipality, role=ADMIN, organisation=None
            )
    raise Http404


def _respond(view, request, *args, **kwargs):
    """Call the view, and render a lazy response, inside the membership's municipality."""
    with municipality_scope(request.municipality):
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response.render()
    if getattr(response, "streaming", False):
        # A streamed export is read after the view returned: in the same scope.
        response.streaming_content = _in_scope(response.streaming_content, request.municipality)
    return response


def _in_scope(chunks, municipality):
    with municipality_scope(municipality):
        yield from chunks


def check_role(membership, roles):
    if roles and membership.role not in roles:
        raise PermissionDenied


def municipal_view(roles=EVERYONE):
    """Decorate a function view whose URL has a ``municipality`` slug.

    ``roles`` lists the municipal roles allowed in; another role of the same municipality gets
    403 (it knows the municipality exists), everyone else 404.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, municipality, *args, **kwargs):
            membership = get_membership(request.user, municipality)
            request.membership = membership
            request.municipality = membership.municipality
            check_role(membership, roles)
            return _respond(view, request, *args, **kwargs)

        return wrapper

    return decorator

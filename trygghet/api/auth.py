"""The API's token authentication, scope check and rate limits (see ``trygghet.api``)."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from councils.models import ApiToken, MunicipalityMembership
from councils.models.tokens import LAST_USED_RESOLUTION, TOKEN_PREFIX, hash_secret
from trygghet.tenancy import municipality_scope

MAX_TOKEN_LENGTH = 100


class ApiAccess:
    """``request.auth`` of an API request: the token and the membership it acts as."""

    def __init__(self, token, membership):
        self.token = token
        self.membership = membership


# --- Authentication -----------------------------------------------------------------------------


def find_token(secret):
    """The live token with this secret, and the partner membership it acts as; None when the
    secret is unknown, revoked, or the token no longer works (see ``ApiToken``)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    # Which municipality a token belongs to is what the look-up finds out: no municipality can
    # be in scope yet (listed in tests/trygghet/test_scoping.py).
    with scopes_disabled():
        token = (
            ApiToken.objects.select_related("municipality", "organisation")
            .filter(token_hash=hash_secret(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        membership = (
            MunicipalityMembership.objects.select_related("user", "municipality", "organisation")
            .filter(user_id=token.person_id, municipality_id=token.municipality_id)
            .first()
        )
    acting = token.acting_membership(membership)
    if acting is None:
        return None
    return token, acting


def record_use(token, now=None):
    """Write ``last_used_at`` at most once a minute: one UPDATE that matches nothing while the
    stored time is recent, so a busy token costs no write per request."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < datetime.timedelta(
        seconds=LAST_USED_RESOLUTION
    ):
        return
    since = now - datetime.timedelta(seconds=LAST_USED_RESOLUTION)
    with municipality_scope(token.municipality_id):
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=since)
        ).update(last_used_at=now)
    token.last_used_at = now


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``. A missing header is "not authenticated" (401); a
    malformed, unknown or revoked token is refused (401), with one message for all, so that an
    answer tells nothing about which tokens exist."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        refused = exceptions.AuthenticationFailed(
            _("The token is not valid: it is unknown, revoked or malformed.")
        )
        if len(parts) != 2:
            raise refused
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise refused from None
        found = find_token(secret)
        if found is None:
            raise refused
        token, membership = found
        record_use(token)
        return membership.user, ApiAccess(token, membership)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


# --- Scopes -------------------------------------------------------------------------------------


class HasTokenScope(BasePermission):
    """Reads need the ``read`` scope; a view's writes the scope it names in ``write_scope``."""

    def has_permission(self, request, view):
        access = request.auth
        if not isinstance(access, ApiAccess):
            raise exceptions.NotAuthenticated()
        if not hasattr(view, request.method.lower()):
            return True  # a method the endpoint does not have: 405
        if request.method in ("GET", "HEAD", "OPTIONS"):
            needed = ApiToken.Scope.READ
        else:
            needed = getattr(view, "write_scope", None)
        if needed is None or not access.token.has_scope(needed):
            raise exceptions.PermissionDenied(
                _("This token does not have the permission this request needs.")
            )
        return True


# --- Rate limits --------------------------------------------------------------------------------


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (in the shared cache, so every web process counts together)."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        access = request.auth
        if not isinstance(access, ApiAccess):
            return None
        return self.cache_format % {"scope": self.scope, "ident": access.token.pk}


class TokenWriteRateThrottle(TokenRateThrottle):
    """Writes per token: tighter than reads."""

    scope = "api_token_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

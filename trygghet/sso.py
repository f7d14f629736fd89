"""Single sign-on through the organisation's identity provider: OpenID Connect (issue 17).

Configured per installation from the environment (``OIDC_*`` in ``trygghet/settings.py``,
README "Single sign-on (OpenID Connect)"). Without ``OIDC_ISSUER`` nothing of it shows and
nothing changes: its pages are 404, the backend steps aside, password login is as before.

- The provider's endpoints come from ``<issuer>/.well-known/openid-configuration``, fetched once
  and cached, unless an ``OIDC_OP_*`` variable names one explicitly.
- mozilla-django-oidc runs the authorization code flow. It does not check the ID token's
  audience or issuer (it decodes with ``verify_aud`` off): ``SSOBackend.verify_token`` does, so
  a token the provider issued to another application is refused.
- A person is found by the verified e-mail address the provider sends, never created: who has
  a role in a municipality is for its admins to decide. Every refusal ends on one clear page
  (``registration/sso_refused.html``) saying why and whom to ask.
- An organisation may switch password login off for its people (``Organisation.password_login``,
  ``PasswordBackend``) once SSO is configured. Superusers always keep password login: they are
  the installation's break-glass accounts, for when the provider is down or misconfigured.
"""

import hashlib
import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.generic import View
from django_scopes import scopes_disabled
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

LOGGER = logging.getLogger(__name__)

# mozilla-django-oidc's endpoint settings and the discovery document's keys that fill them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
DISCOVERY_SECONDS = 24 * 3600

# Why a login through the provider was refused: the refusal page explains each.
UNKNOWN = "unknown"
UNVERIFIED = "unverified"
AMBIGUOUS = "ambiguous"
INVALID_TOKEN = "invalid_token"
FAILED = "failed"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def enabled():
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def issuer():
    return settings.OIDC_ISSUER.rstrip("/")


def discovery():
    """The provider's discovery document, fetched once and cached (a day, per issuer)."""
    url = f"{issuer()}/.well-known/openid-configuration"
    key = "oidc-discovery:" + hashlib.sha256(url.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def endpoint(name):
    """An endpoint of the provider: the explicit ``OIDC_OP_*`` setting, else discovery's."""
    explicit = getattr(settings, name, "")
    if explicit:
        return explicit
    return discovery().get(ENDPOINTS[name]) or None


def get_settings(attr, *args):
    """mozilla-django-oidc's settings, with the endpoints resolved through discovery."""
    if attr in ENDPOINTS:
        return endpoint(attr)
    return getattr(settings, attr, *args)


# --- Who may log in -------------------------------------------------------------------------


def password_login_allowed(user):
    """False for a person of an organisation that logs in through SSO only (and only while SSO
    is configured: without it the setting would lock them out). Superusers always may."""
    if user.is_superuser or not enabled():
        return True
    from councils.models import MunicipalityMembership

    with scopes_disabled():  # the person's roles in every municipality
        return not MunicipalityMembership.objects.filter(
            user=user, is_active=True, organisation__password_login=False
        ).exists()


class PasswordBackend(ModelBackend):
    """Django's password login, refused for the people of an organisation that switched it off.

    The refusal reads as a failed login (counted like one by the login limits): the login page
    tells everyone that SSO organisations use the button, and so reveals nothing of the account.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_login_allowed(user):
            LOGGER.info("Password login refused for user %s: their organisation uses SSO", user.pk)
            return None
        return user


def masked(email):
    """An address as the log keeps it: only its domain (which organisation's provider), never
    the person (a log is read by more people than the people register)."""
    domain = email.rpartition("@")[2] if "@" in email else ""
    return f"…@{domain}" if domain else "…"


def _is_true(value):
    return value is True or (isinstance(value, str) and value.lower() == "true")


class SSOBackend(OIDCAuthenticationBackend):
    """Finds the person the provider vouches for; creates no one.

    Endpoints are resolved when first used (not when Django instantiates the backend, which it
    does for every password login too).
    """

    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.request = None

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def refuse(self, reason, detail):
        if self.request is not None:
            self.request.sso_refusal = reason
        LOGGER.warning("SSO login refused (%s): %s", reason, detail)

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The signature (RS256, the provider's JWKS) and nonce as mozilla-django-oidc checks
        them, then what it leaves out: the token is from our issuer and for us."""
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:
            self.refuse(INVALID_TOKEN, exc)
            raise
        client_id = settings.OIDC_RP_CLIENT_ID
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if client_id not in audiences:
            self.refuse(INVALID_TOKEN, f"ID token for audience {audience!r}, not {client_id!r}")
            raise SuspiciousOperation("ID token audience mismatch")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            self.refuse(INVALID_TOKEN, f"ID token authorized for {payload.get('azp')!r}")
            raise SuspiciousOperation("ID token authorized party mismatch")
        if str(payload.get("iss", "")).rstrip("/") != issuer():
            self.refuse(INVALID_TOKEN, f"ID token from issuer {payload.get('iss')!r}")
            raise SuspiciousOperation("ID token issuer mismatch")
        return payload

    def email_of(self, claims):
        email = claims.get(settings.OIDC_EMAIL_CLAIM)
        return email.strip() if isinstance(email, str) else ""

    def describe_user_by_claims(self, claims):
        return f"e-mail {masked(self.email_of(claims))!r}"

    def verify_claims(self, claims):
        return True  # the e-mail is checked where users are looked up, with its reason

    def filter_users_by_claims(self, claims):
        """The one active person with the e-mail address, if the provider says it is verified."""
        email = self.email_of(claims)
        if not email:
            self.refuse(UNKNOWN, "the provider sent no e-mail address")
            return self.UserModel.objects.none()
        if not (settings.OIDC_EMAIL_ALWAYS_VERIFIED or _is_true(claims.get("email_verified"))):
            self.refuse(UNVERIFIED, f"{masked(email)!r} is not verified by the provider")
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
        if len(users) > 1:
            self.refuse(AMBIGUOUS, f"{len(users)} people have the e-mail {masked(email)!r}")
        return users

    def create_user(self, claims):
        """Never: a person gets a role from a municipal admin, not from logging in."""
        if getattr(self.request, "sso_refusal", None) is None:
            email = masked(self.email_of(claims))
            self.refuse(UNKNOWN, f"no active person has the e-mail {email!r}")
        return None

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


# --- Views ----------------------------------------------------------------------------------


def refused_page(request, reason, status=403):
    return render(
        request,
        "registration/sso_refused.html",
        {"reason": reason},
        status=status,
    )


class SSOViewMixin:
    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads the endpoints here, on every request: they are read when
        # used instead, after the 404 of an installation without SSO.
        View.__init__(self, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except ProviderUnavailable as exc:
            LOGGER.error("SSO provider unavailable: %s", exc)
            return refused_page(request, FAILED, status=503)


class StartView(SSOViewMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider."""

    OIDC_OP_AUTH_ENDPOINT = property(lambda self: endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)


class CallbackView(SSOViewMixin, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: logs the person in, or says why not."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # A replayed or foreign state, a token that failed its checks, two people with the
            # same address: refused, without the 400 page.
            LOGGER.warning("SSO callback refused: %s", exc)
            request.sso_refusal = getattr(request, "sso_refusal", None) or INVALID_TOKEN
        except requests.RequestException as exc:
            LOGGER.error("SSO token exchange failed: %s", exc)
            request.sso_refusal = FAILED
        return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None) or FAILED
        return refused_page(self.request, reason)

    def login_success(self):
        response = super().login_success()
        LOGGER.info("SSO login of user %s", self.user.pk)
        return response


def provider_logout_url(request):
    """mozilla-django-oidc's OIDC_OP_LOGOUT_URL_METHOD: where to go after the local logout. For a
    person who logged in through a provider with an ``end_session_endpoint``, there (RP-initiated
    logout), and from there back to the login page; otherwise straight to the login page."""
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not (enabled() and id_token):
        return local
    try:
        end_session = endpoint("OIDC_OP_LOGOUT_ENDPOINT")
    except ProviderUnavailable as exc:
        LOGGER.warning("SSO provider unavailable at logout, local logout only: %s", exc)
        return local
    if not end_session:
        return local
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(local),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also ends the provider's session for an SSO login."""

    def post(self, request, *args, **kwargs):
        after = import_string(settings.OIDC_OP_LOGOUT_URL_METHOD)(request)
        auth_logout(request)
        return HttpResponseRedirect(after)


def login_context():
    """For the login page: the SSO button, when SSO is configured."""
    if not enabled():
        return {"sso": None}
    return {"sso": {"url": reverse("sso-start"), "name": settings.OIDC_PROVIDER_NAME}}

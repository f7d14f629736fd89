"""Single sign-on (issue 17, ``trygghet/sso.py``): who the provider's claims let in, the ID
token's checks mozilla-django-oidc leaves out, password login per organisation, and the pages.
The whole flow against a real provider is in ``tests/e2e/test_sso_browser.py``."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse

from councils.models import Organisation, User
from tests.factories import PASSWORD, OrganisationFactory, make_user
from trygghet import access, sso
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

ISSUER = "https://idp.burlov.example/oidc"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/jwks",
    "end_session_endpoint": f"{ISSUER}/end-session",
}


@pytest.fixture
def configured(settings, monkeypatch):
    """SSO configured, with the provider's discovery document as if fetched."""
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "trygghet"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    monkeypatch.setattr(sso, "discovery", lambda: DISCOVERY)
    return settings


@pytest.fixture
def sso_only_org(burlov):
    return OrganisationFactory(
        name="Burlövs kommun (SSO)",
        kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION,
        municipalities=[burlov],
        password_login=False,
    )


def backend_for_request():
    backend = sso.SSOBackend()
    backend.request = RequestFactory().get("/accounts/sso/callback/")
    return backend


def log_in_with(claims):
    """The person the backend finds for the provider's ``claims`` (userinfo), and why not."""
    backend = backend_for_request()
    backend.get_userinfo = lambda access_token, id_token, payload: claims
    try:
        user = backend.get_or_create_user("access", "id", {})
    except SuspiciousOperation:
        user = None
    return user, getattr(backend.request, "sso_refusal", None)


# --- Who the claims let in ------------------------------------------------------------------


def test_a_verified_address_finds_its_person_whatever_its_case(configured, coordinator):
    user, refusal = log_in_with({"email": coordinator.email.upper(), "email_verified": True})
    assert user == coordinator and refusal is None


def test_an_address_the_provider_has_not_verified_is_refused(configured, coordinator):
    assert log_in_with({"email": coordinator.email, "email_verified": False}) == (
        None,
        "unverified",
    )
    assert log_in_with({"email": coordinator.email}) == (None, "unverified")


def test_an_unverified_address_is_accepted_only_if_the_provider_sends_only_verified_ones(
    configured, coordinator
):
    configured.OIDC_EMAIL_ALWAYS_VERIFIED = True
    assert log_in_with({"email": coordinator.email}) == (coordinator, None)


def test_email_verified_as_the_string_true_counts(configured, coordinator):
    assert log_in_with({"email": coordinator.email, "email_verified": "true"})[0] == coordinator


def test_the_address_is_read_from_the_configured_claim(configured, coordinator):
    configured.OIDC_EMAIL_CLAIM = "upn"
    claims = {"email": "someone@else.example", "upn": coordinator.email, "email_verified": True}
    assert log_in_with(claims) == (coordinator, None)


def test_an_unknown_address_is_refused_and_no_account_is_made(configured, coordinator):
    before = User.objects.count()
    claims = {"email": "stranger@example.org", "email_verified": True}
    assert log_in_with(claims) == (None, "unknown")
    assert log_in_with({"email_verified": True}) == (None, "unknown")
    assert User.objects.count() == before


def test_two_people_with_the_address_are_refused(configured, coordinator, member):
    member.email = coordinator.email.title()
    member.save()
    claims = {"email": coordinator.email, "email_verified": True}
    assert log_in_with(claims) == (None, "ambiguous")


def test_an_inactive_person_is_refused_and_an_active_namesake_found(
    configured, coordinator, member
):
    coordinator.is_active = False
    coordinator.save()
    claims = {"email": coordinator.email, "email_verified": True}
    assert log_in_with(claims) == (None, "unknown")
    member.email = coordinator.email
    member.save()
    assert log_in_with(claims) == (member, None)


def test_a_session_of_a_person_made_inactive_ends(configured, coordinator):
    backend = sso.SSOBackend()
    assert backend.get_user(coordinator.pk) == coordinator
    coordinator.is_active = False
    coordinator.save()
    assert backend.get_user(coordinator.pk) is None


# --- The ID token ---------------------------------------------------------------------------


@pytest.fixture
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def id_token(key, **claims):
    now = int(time.time())
    payload = {"iss": ISSUER, "sub": "1", "aud": "trygghet", "iat": now, "exp": now + 300}
    payload.update({"nonce": "n"}, **claims)
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k"})


def verify(key, token):
    backend = backend_for_request()
    backend.OIDC_RP_IDP_SIGN_KEY = key.public_key()
    return backend.verify_token(token, nonce="n")


def test_an_id_token_for_us_from_our_issuer_is_accepted(configured, signing_key):
    assert verify(signing_key, id_token(signing_key))["sub"] == "1"
    token = id_token(signing_key, aud=["trygghet", "other"], azp="trygghet")
    assert verify(signing_key, token)["sub"] == "1"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-application"},
        {"aud": ["another-application", "third"]},
        {"aud": ["trygghet", "other"], "azp": "other"},
        {"iss": "https://idp.elsewhere.example/oidc"},
        {"exp": int(time.time()) - 60},
        {"nonce": "replayed"},
    ],
    ids=["audience", "audiences", "authorized-party", "issuer", "expired", "nonce"],
)
def test_an_id_token_not_for_us_is_refused(configured, signing_key, claims):
    with pytest.raises((SuspiciousOperation, jwt.InvalidTokenError)):
        verify(signing_key, id_token(signing_key, **claims))


def test_an_id_token_signed_by_another_key_is_refused(configured, signing_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises((SuspiciousOperation, jwt.InvalidTokenError)):
        verify(signing_key, id_token(other))


def test_an_id_token_signed_with_the_client_secret_is_refused(configured, signing_key):
    token = jwt.encode(
        {"iss": ISSUER, "aud": "trygghet", "nonce": "n", "exp": int(time.time()) + 60},
        "secret" * 6,
        algorithm="HS256",
    )
    with pytest.raises(SuspiciousOperation):
        verify(signing_key, token)


# --- Password login per organisation --------------------------------------------------------


def post_login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_a_person_of_an_sso_only_organisation_cannot_log_in_with_a_password(
    client, configured, burlov, sso_only_org
):
    make_user("sso.person", burlov, access.COORDINATOR, sso_only_org)
    response = post_login(client, "sso.person")
    assert response.status_code == 200 and not logged_in(client)
    content = response.content.decode()
    # The same refusal as a wrong password, and the same hint for everyone.
    assert 'id="sso-hint"' in content
    assert 'id="sso-hint"' in post_login(client, "nobody-at-all").content.decode()


def test_one_role_in_an_sso_only_organisation_is_enough_to_refuse_the_password(
    client, configured, burlov, eslov, sso_only_org, police_org
):
    person = make_user("two.roles", eslov, access.PARTNER, police_org)
    make_user("two.roles", burlov, access.MEMBER, sso_only_org)
    assert person.municipality_memberships.count() == 2
    post_login(client, "two.roles")
    assert not logged_in(client)


def test_an_ended_role_in_an_sso_only_organisation_does_not_refuse_the_password(
    client, configured, burlov, sso_only_org
):
    person = make_user("former", burlov, access.MEMBER, sso_only_org)
    person.municipality_memberships.update(is_active=False)
    post_login(client, "former")
    assert logged_in(client)


def test_a_superuser_keeps_password_login_as_the_break_glass_account(
    client, configured, burlov, sso_only_org
):
    make_user("operator", burlov, access.ADMIN, sso_only_org, is_superuser=True, is_staff=True)
    post_login(client, "operator")
    assert logged_in(client)


def test_partners_without_sso_keep_password_login(client, configured, company_partner):
    post_login(client, company_partner.username)
    assert logged_in(client)


def test_without_sso_configured_the_switch_changes_nothing(client, burlov, sso_only_org):
    make_user("sso.person", burlov, access.COORDINATOR, sso_only_org)
    response = client.get(reverse("login"))
    assert 'id="sso-login"' not in response.content.decode()
    post_login(client, "sso.person")
    assert logged_in(client)


def test_the_admin_login_refuses_the_password_too(client, configured, burlov, sso_only_org):
    make_user("staff.sso", burlov, access.ADMIN, sso_only_org, is_staff=True)
    client.post(reverse("admin:login"), {"username": "staff.sso", "password": PASSWORD})
    assert not logged_in(client)


# --- The pages ------------------------------------------------------------------------------


def test_without_sso_configured_its_pages_do_not_exist(client):
    assert client.get(reverse("sso-start")).status_code == 404
    assert client.get(reverse("sso-callback") + "?code=x&state=y").status_code == 404


def test_the_login_page_offers_the_provider(client, configured):
    configured.OIDC_PROVIDER_NAME = "Burlövs kommun"
    content = client.get(reverse("login") + "?next=/burlov/").content.decode()
    assert "Logga in med Burlövs kommun" in content
    assert 'href="/accounts/sso/start/?next=/burlov/"' in content


def test_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, configured):
    response = client.get(reverse("sso-start") + "?next=/burlov/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == DISCOVERY["authorization_endpoint"]
    query = parse_qs(target.query)
    assert query["client_id"] == ["trygghet"]
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]
    assert query["scope"] == ["openid email"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] in client.session["oidc_states"]
    assert "nonce" in query
    assert client.session["oidc_login_next"] == "/burlov/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_start_does_not_send_the_person_elsewhere_afterwards(client, configured, next_url):
    client.get(reverse("sso-start"), {"next": next_url})
    assert client.session["oidc_login_next"] is None


def test_an_unreachable_provider_gives_a_clear_page(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/oidc"  # the discard port: nothing answers
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "trygghet", "secret"
    response = client.get(reverse("sso-start"))
    assert response.status_code == 503
    assert "Du kunde inte loggas in" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?code=abc&state=forged", "?error=access_denied&state=x", "", "?code=" + "x" * 10000]
)
def test_a_callback_that_is_not_ours_is_refused_with_a_clear_page(client, configured, query):
    session = client.session
    session["oidc_states"] = {"real": {"nonce": "n", "code_verifier": None, "added_on": 0}}
    session.save()
    response = client.get(reverse("sso-callback") + query)
    assert response.status_code == 403
    assert "Du kunde inte loggas in" in response.content.decode()
    assert not logged_in(client)


def test_logout_after_a_password_login_stays_here(login, client, configured, coordinator):
    login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not logged_in(client)


def test_logout_after_an_sso_login_ends_the_provider_session(
    login, client, configured, coordinator
):
    login(coordinator)
    session = client.session
    session["oidc_id_token"] = "the.id.token"
    session.save()
    response = client.post(reverse("logout"))
    assert not logged_in(client)
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == DISCOVERY["end_session_endpoint"]
    query = parse_qs(target.query)
    assert query["id_token_hint"] == ["the.id.token"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]


def test_logout_without_an_end_session_endpoint_is_local(
    login, client, configured, coordinator, monkeypatch
):
    monkeypatch.setattr(
        sso,
        "discovery",
        lambda: {k: v for k, v in DISCOVERY.items() if k != "end_session_endpoint"},
    )
    login(coordinator)
    session = client.session
    session["oidc_id_token"] = "the.id.token"
    session.save()
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def read_settings(expression, **env):
    """``expression`` of the settings as they load from ``env``, in a fresh process."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="trygghet.settings", TESTING="true")
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_logout_form_may_go_on_to_the_provider():
    """CSP form-action: the logout form's redirect goes on to the end-session endpoint."""
    form_action = 'settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]'
    assert read_settings(form_action).stdout.strip() == "[\"'self'\"]"
    result = read_settings(
        form_action,
        OIDC_ISSUER="https://idp.burlov.example/oidc/",
        OIDC_CLIENT_ID="trygghet",
        OIDC_CLIENT_SECRET="secret",
        OIDC_END_SESSION_ENDPOINT="https://logout.burlov.example/end",
    )
    assert result.stdout.strip() == (
        "[\"'self'\", 'https://idp.burlov.example', 'https://logout.burlov.example']"
    ), result.stderr


def test_an_issuer_without_client_credentials_stops_start_up():
    result = read_settings("settings.OIDC_ISSUER", OIDC_ISSUER=ISSUER, OIDC_CLIENT_ID="trygghet")
    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET" in result.stderr


def test_discovery_is_fetched_once(settings, monkeypatch):
    settings.OIDC_ISSUER = ISSUER
    calls = []

    class Answer:
        def raise_for_status(self):
            pass

        def json(self):
            return DISCOVERY

    def get(url, timeout):
        calls.append(url)
        return Answer()

    monkeypatch.setattr(sso.requests, "get", get)
    assert sso.endpoint("OIDC_OP_TOKEN_ENDPOINT") == DISCOVERY["token_endpoint"]
    assert sso.endpoint("OIDC_OP_JWKS_ENDPOINT") == DISCOVERY["jwks_uri"]
    assert calls == [f"{ISSUER}/.well-known/openid-configuration"]
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://explicit.example/token"
    assert sso.endpoint("OIDC_OP_TOKEN_ENDPOINT") == "https://explicit.example/token"


# --- The organisation's switch ----------------------------------------------------------------


def org_url(organisation):
    return reverse(
        "councils:organisation-edit", kwargs={"municipality": "burlov", "pk": organisation.pk}
    )


def test_an_admin_switches_password_login_off(login, configured, admin_user, security_org):
    client = login(admin_user)
    assert "password_login" in client.get(org_url(security_org)).content.decode()
    data = {"name": security_org.name, "short_name": "", "kind": security_org.kind}
    assert client.post(org_url(security_org), data).status_code == 302
    security_org.refresh_from_db()
    assert security_org.password_login is False  # an unticked box
    # In the audit trail of each municipality the organisation serves, once.
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_LOGIN_CHANGED)
    assert (event.old, event.new, event.actor) == (
        {"password_login": True},
        {"password_login": False},
        admin_user,
    )
    client.post(org_url(security_org), data)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_LOGIN_CHANGED).count() == 1


def test_refusals_are_logged_without_the_persons_address(configured, coordinator, caplog):
    caplog.set_level("INFO", logger="trygghet.sso")
    log_in_with({"email": "stranger@example.org", "email_verified": True})
    log_in_with({"email": coordinator.email, "email_verified": False})
    text = caplog.text
    assert "refused" in text and "@example.org" in text
    assert "stranger" not in text and coordinator.email.split("@")[0] not in text


def test_a_coordinator_cannot_switch_password_login(login, configured, coordinator, security_org):
    client = login(coordinator)
    assert "password_login" not in client.get(org_url(security_org)).content.decode()
    security_org.password_login = False
    security_org.save()
    data = {"name": security_org.name, "short_name": "", "kind": security_org.kind}
    client.post(org_url(security_org), {**data, "password_login": "on"})
    security_org.refresh_from_db()
    assert security_org.password_login is False


def test_without_sso_the_switch_is_not_offered(login, admin_user, security_org):
    assert "password_login" not in login(admin_user).get(org_url(security_org)).content.decode()


def test_the_menu_offers_no_password_change_to_a_person_of_an_sso_only_organisation(
    login, configured, burlov, sso_only_org, coordinator
):
    assert reverse("password_change") in login(coordinator).get("/burlov/").content.decode()
    sso_person = make_user("sso.person", burlov, access.MEMBER, sso_only_org)
    page = login(sso_person).get("/burlov/").content.decode()
    assert reverse("password_change") not in page and reverse("logout") in page

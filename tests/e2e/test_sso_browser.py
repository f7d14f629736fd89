"""Single sign-on end to end (issue 17): Chromium, Trygghet's live server and a real OpenID
Connect provider (django-oidc-provider, ``tests/e2e/oidc_provider/``) in a second process.

The provider runs on 127.0.0.1 and Trygghet on localhost: two hosts, so their cookies stay
apart as two sites' would.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from councils.models import Organisation
from tests.e2e.oidc_provider.hooks import MISISSUED_CLIENT_ID
from tests.e2e.test_crawl_phone import PHONE, too_wide
from tests.factories import PASSWORD, MunicipalityFactory, OrganisationFactory, make_user
from trygghet import access

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "trygghet"
CLIENT_SECRET = "trygghet-test-secret-0123456789"
MISISSUED_SECRET = "misissued-test-secret-0123456789"
PROVIDER_PASSWORD = "provider-password-0123"
DESKTOP = {"width": 1280, "height": 900}  # the viewport of browser_context_args
# People the provider knows: Anna also has a Trygghet account (under another spelling of her
# address), Okänd has none.
ANNA = {"username": "anna", "password": PROVIDER_PASSWORD, "email": "Anna.Andersson@Burlov.SE"}
UNKNOWN = {"username": "okand", "password": PROVIDER_PASSWORD, "email": "okand@example.org"}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, process, url, log):
        self.process, self.url, self.log = process, url, log
        self.issuer = f"{url}/openid"

    def answers(self):
        try:
            with urllib.request.urlopen(
                f"{self.issuer}/.well-known/openid-configuration", timeout=5
            ) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The provider, with Trygghet's two clients and its users, until the session ends."""
    directory = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.oidc_provider.settings",
        "OIDC_PROVIDER_SITE_URL": url,
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    clients = [
        {
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uri": f"{live_server.url}/accounts/sso/callback/",
            "post_logout_redirect_uri": f"{live_server.url}/accounts/login/",
        }
        for client_id, secret in (
            (CLIENT_ID, CLIENT_SECRET),
            (MISISSUED_CLIENT_ID, MISISSUED_SECRET),
        )
    ]
    subprocess.run(
        [sys.executable, "-m", "tests.e2e.oidc_provider.setup"],
        input=json.dumps({"clients": clients, "users": [ANNA, UNKNOWN]}),
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (directory / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(process, url, directory / "provider.log")
    try:
        # Until its discovery document answers. Between tries it waits on the process itself,
        # so a provider that fails to start is reported at once, not after a timeout.
        deadline = time.monotonic() + 60
        while not provider.answers():
            try:
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    pytest.fail("the OpenID provider did not answer:\n" + provider.log.read_text())
            else:
                pytest.fail("the OpenID provider stopped:\n" + provider.log.read_text())
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def sso(settings, oidc_provider):
    """Trygghet configured for the provider, as OIDC_* in the environment would."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Burlövs kommun"
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"]}
    directives["form-action"] = [*directives["form-action"], oidc_provider.url]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return oidc_provider


@pytest.fixture
def anna(db):
    burlov = MunicipalityFactory(name="Burlöv", slug="burlov", code="1231")
    municipality = OrganisationFactory(
        name="Burlövs kommun",
        kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION,
        municipalities=[burlov],
        password_login=False,  # SSO only: the provider is the way in
    )
    return make_user(
        "anna.andersson",
        burlov,
        access.COORDINATOR,
        municipality,
        email="anna.andersson@burlov.se",
        first_name="Anna",
        last_name="Andersson",
    )


def sign_in_at_provider(page, person):
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Provider user name").fill(person["username"])
    page.get_by_label("Provider password").fill(person["password"])
    page.get_by_role("button", name="Sign in at the provider").click()


def test_a_known_person_logs_in_through_the_provider_and_out_of_both(
    page, base_url, sso, anna, assert_accessible, screenshot
):
    page.goto(f"{base_url}/burlov/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")
    button = page.get_by_role("link", name="Logga in med Burlövs kommun")
    expect(button).to_be_visible()
    assert_accessible(page)
    screenshot(page, "sso-login")
    page.set_viewport_size(PHONE)
    assert too_wide(page, page.url, "login") == []
    page.set_viewport_size(DESKTOP)

    # Her organisation is SSO only: her (right) password no longer opens Trygghet.
    page.get_by_label("Användarnamn").fill("anna.andersson")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.locator("#sso-hint")).to_be_visible()
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")

    page.get_by_role("link", name="Logga in med Burlövs kommun").click()
    sign_in_at_provider(page, ANNA)
    # Back at the page she asked for, logged in as herself.
    expect(page).to_have_url(f"{base_url}/burlov/")
    expect(page.get_by_role("heading", level=1, name="Burlöv")).to_be_visible()
    expect(page.get_by_role("button", name="Anna Andersson")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Anna Andersson").click()
    page.get_by_role("button", name="Logga ut").click()
    # Through the provider's end-session endpoint and back to Trygghet's login page.
    expect(page).to_have_url(f"{base_url}/accounts/login/")
    page.goto(f"{base_url}/burlov/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")
    # The provider's session ended too: it asks who she is again.
    page.get_by_role("link", name="Logga in med Burlövs kommun").click()
    expect(page.get_by_label("Provider user name")).to_be_visible()
    assert page.url.startswith(sso.url)


def test_a_person_unknown_to_trygghet_is_refused_with_a_clear_page(
    page, base_url, sso, anna, assert_accessible, screenshot
):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Logga in med Burlövs kommun").click()
    sign_in_at_provider(page, UNKNOWN)
    expect(page.get_by_role("heading", name="Du kunde inte loggas in")).to_be_visible()
    expect(page.locator("#sso-refused")).to_contain_text("administratör")
    expect(page.locator("#sso-refused")).to_contain_text("inget aktivt konto")
    assert_accessible(page)
    screenshot(page, "sso-refused-unknown")
    page.set_viewport_size(PHONE)
    assert too_wide(page, page.url, "refused") == []
    # Nobody is logged in, and no account was made.
    page.goto(f"{base_url}/burlov/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")
    from councils.models import User

    assert not User.objects.filter(email__iexact=UNKNOWN["email"]).exists()


def test_an_id_token_for_another_audience_is_refused(
    page, base_url, sso, anna, settings, assert_accessible
):
    # A client of the provider whose ID tokens name another application as their audience
    # (tests/e2e/oidc_provider/hooks.py): correctly signed, from the right issuer, for Anna.
    settings.OIDC_RP_CLIENT_ID = MISISSUED_CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = MISISSUED_SECRET
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Logga in med Burlövs kommun").click()
    sign_in_at_provider(page, ANNA)
    expect(page.get_by_role("heading", name="Du kunde inte loggas in")).to_be_visible()
    expect(page.locator("#sso-refused")).to_contain_text("inte avsett för Trygghet")
    assert_accessible(page)
    page.goto(f"{base_url}/burlov/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")

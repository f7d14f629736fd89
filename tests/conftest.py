"""Shared fixtures: two municipalities and, in Burlöv, one user per municipal role.

Every view test checks the outsider (a member of Eslöv) and the roles that may not act, as
well as the roles that may: ``tests/access.py`` runs that matrix for a list of pages.

More shared fixtures come from the plugins below: the incidents' categories and builders,
the seeded demo world (``demo_world``), real Celery workers (``start_worker``) and a real
SMTP server (``smtp``). Rows are built with the factories of ``tests/factories.py``.
"""

import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django_scopes import scopes_disabled

from councils.models import Organisation
from tests.factories import MunicipalityFactory, OrganisationFactory, make_user
from trygghet import access
from trygghet.celery import app as celery_app

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.plugins.incidents",
    "tests.plugins.demo",
    "tests.plugins.worker",
    "tests.plugins.mail",
]


@pytest.fixture(autouse=True, scope="session")
def _test_code_reads_every_municipality():
    """Test code arranges and inspects rows of several municipalities: it runs unscoped (the
    explicit bypass of ``trygghet.tenancy``). What it exercises is scoped as in production:
    every request starts a fresh scope (``ScopeMiddleware``), every task too (``TrygghetTask``)."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    # Rate limits and lockout notices count in the cache (Redis, shared by every test run):
    # each test gets keys of its own, so counts never leak from one test into another.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (LocaleMiddleware does not
    reset it): the next test starts in the default language again, whatever ran before."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests make many users; PBKDF2 at Django's default cost takes ~0.3 s per password.
    # Real hashing is kept where it is the point (the demo users of the browser tests log in
    # through the form either way).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def burlov(db):
    return MunicipalityFactory(name="Burlöv", slug="burlov", code="1231", population=20042)


@pytest.fixture
def eslov(db):
    return MunicipalityFactory(name="Eslöv", slug="eslov", code="1285", population=34878)


@pytest.fixture
def municipal_admin_org(burlov):
    return OrganisationFactory(
        name="Burlövs kommun",
        kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION,
        municipalities=[burlov],
    )


@pytest.fixture
def police_org(burlov, eslov):
    return OrganisationFactory(
        name="Polisen LPO Kävlinge", kind=Organisation.Kind.POLICE, municipalities=[burlov, eslov]
    )


@pytest.fixture
def security_org(burlov):
    return OrganisationFactory(
        name="Trygghetsbolaget AB",
        kind=Organisation.Kind.SECURITY_COMPANY,
        municipalities=[burlov],
    )


@pytest.fixture
def admin_user(burlov, municipal_admin_org):
    return make_user("burlov.admin", burlov, access.ADMIN, municipal_admin_org)


@pytest.fixture
def coordinator(burlov, municipal_admin_org):
    return make_user("burlov.coordinator", burlov, access.COORDINATOR, municipal_admin_org)


@pytest.fixture
def member(burlov, municipal_admin_org):
    return make_user("burlov.member", burlov, access.MEMBER, municipal_admin_org)


@pytest.fixture
def police_partner(burlov, police_org):
    """A partner from a public authority: may read restricted data."""
    return make_user("burlov.police", burlov, access.PARTNER, police_org)


@pytest.fixture
def company_partner(burlov, security_org):
    """A partner from a private company: never sees restricted data (GDPR art. 10)."""
    return make_user("burlov.guard", burlov, access.PARTNER, security_org)


@pytest.fixture
def outsider(eslov):
    """A coordinator of another municipality: everything of Burlöv is 404 to them."""
    org = OrganisationFactory(
        name="Eslövs kommun",
        kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION,
        municipalities=[eslov],
    )
    return make_user("eslov.coordinator", eslov, access.COORDINATOR, org)


@pytest.fixture
def users_by_role(admin_user, coordinator, member, police_partner, company_partner, outsider):
    return {
        "admin": admin_user,
        "coordinator": coordinator,
        "member": member,
        "police_partner": police_partner,
        "company_partner": company_partner,
        "outsider": outsider,
    }


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in (force_login: django-axes needs a request for
    password logins, which the browser tests exercise)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def eager_celery():
    """Tasks run in-process for unit tests (real workers: ``start_worker``)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous

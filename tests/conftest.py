"""Shared fixtures: two municipalities and, in Burlöv, one user per municipal role.

Every view test checks the outsider (a member of Eslöv) and the roles that may not act, as
well as the roles that may: see ``tests/trygghet/test_access.py`` for the pattern.
"""

import os

import pytest

from councils.models import Municipality, MunicipalityMembership, Organisation, User
from trygghet import access

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def burlov(db):
    return Municipality.objects.create(name="Burlöv", slug="burlov", code="1231", population=20042)


@pytest.fixture
def eslov(db):
    return Municipality.objects.create(name="Eslöv", slug="eslov", code="1285", population=34878)


@pytest.fixture
def municipal_admin_org(burlov):
    org = Organisation.objects.create(
        name="Burlövs kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    org.municipalities.add(burlov)
    return org


@pytest.fixture
def police_org(burlov, eslov):
    org = Organisation.objects.create(name="Polisen LPO Kävlinge", kind=Organisation.Kind.POLICE)
    org.municipalities.add(burlov, eslov)
    return org


@pytest.fixture
def security_org(burlov):
    org = Organisation.objects.create(
        name="Trygghetsbolaget AB", kind=Organisation.Kind.SECURITY_COMPANY
    )
    org.municipalities.add(burlov)
    return org


def make_user(username, municipality=None, role=None, organisation=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        first_name=extra.pop("first_name", username.split(".")[-1].title()),
        last_name=extra.pop("last_name", "Testsson"),
        **extra,
    )
    if municipality is not None:
        MunicipalityMembership.objects.create(
            user=user, municipality=municipality, role=role, organisation=organisation
        )
    return user


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
    org = Organisation.objects.create(
        name="Eslövs kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    org.municipalities.add(eslov)
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

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from councils.demo import DEMO_PASSWORD
from councils.models import Body, Municipality, MunicipalityMembership, Organisation, User

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"councils", "meetings", "situation_reports"}
    }


def test_seed_demo_creates_burlov_and_eslov_with_a_user_per_role():
    call_command("seed_demo", only=["councils"])
    # Burlöv and Eslöv, and their neighbours Kävlinge and Lomma (the police events only: for the
    # regional page of LPO Kävlinge, which serves Burlöv, Kävlinge and Lomma).
    assert set(Municipality.objects.values_list("code", flat=True)) == {
        "1231",
        "1285",
        "1261",
        "1262",
    }
    for slug in ("burlov", "eslov"):
        roles = set(
            MunicipalityMembership.objects.filter(municipality__slug=slug).values_list(
                "role", flat=True
            )
        )
        assert roles == {"admin", "coordinator", "member", "partner"}
    assert User.objects.get(username="burlov.samordnare").check_password(DEMO_PASSWORD)
    assert Body.objects.filter(municipality__slug="burlov", kind="working_group")[
        0
    ].parent.kind == ("preparation_group")


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", only=["councils"])
    first = row_counts()
    call_command("seed_demo", only=["councils"])
    assert row_counts() == first


# --- What the README promises ------------------------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_demo_logins():
    """{username: (municipality name, role column, note in brackets)} of the README's table."""
    text = README.read_text()
    table = text.split("Demo logins (password `trygghet-demo`):", 1)[1].split("\n\n", 2)[1]
    header, _rule, *rows = table.splitlines()
    roles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    logins = {}
    for row in rows:
        municipality, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        for role, cell in zip(roles, cells, strict=True):
            username = re.search(r"`([^`]+)`", cell).group(1)
            note = re.search(r"\(([^)]*)\)", cell)
            logins[username] = (municipality, role, note.group(1) if note else "")
    return logins


README_ROLES = {"admin": "admin", "coordinator": "coordinator", "member": "member"}


def test_the_readme_password_is_the_demo_password():
    assert f"password `{DEMO_PASSWORD}`" in README.read_text()


def test_seed_demo_creates_every_login_the_readme_lists():
    call_command("seed_demo", only=["councils"])
    logins = readme_demo_logins()
    assert len(logins) == 8
    for username, (municipality, role, note) in logins.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        membership = MunicipalityMembership.objects.get(user=user)
        assert membership.municipality.name == municipality
        assert membership.role == README_ROLES.get(role, role), username
        organisation = membership.organisation
        if note == "a security company":
            assert organisation.kind == Organisation.Kind.SECURITY_COMPANY
        elif note:
            assert note in (organisation.name, organisation.short_name), username


def test_seed_demo_creates_the_operator_drift_who_logs_in_to_the_admin(client):
    call_command("seed_demo", only=["councils"])
    assert "the demo operator is `drift` (same password)" in README.read_text()
    drift = User.objects.get(username="drift")
    assert drift.is_superuser and drift.is_staff and drift.is_active
    assert drift.check_password(DEMO_PASSWORD)
    # Through the admin's own login form, as an operator would.
    response = client.post(
        reverse("admin:login") + "?next=" + reverse("admin:index"),
        {"username": "drift", "password": DEMO_PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_drift_is_created_once_and_keeps_a_changed_password():
    call_command("seed_demo", only=["councils"])
    drift = User.objects.get(username="drift")
    drift.set_password("changed-by-the-operator")
    drift.save()
    call_command("seed_demo", only=["councils"])
    drift.refresh_from_db()
    assert drift.check_password("changed-by-the-operator")
    assert User.objects.filter(username="drift").count() == 1

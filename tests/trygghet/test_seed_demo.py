import pytest
from django.apps import apps
from django.core.management import call_command

from councils.demo import DEMO_PASSWORD
from councils.models import Body, Municipality, MunicipalityMembership, User

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"councils", "meetings", "situation_reports"}
    }


def test_seed_demo_creates_burlov_and_eslov_with_a_user_per_role():
    call_command("seed_demo", only=["councils"])
    assert set(Municipality.objects.values_list("code", flat=True)) == {"1231", "1285"}
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

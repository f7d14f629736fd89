import pytest
from django.core.management import call_command
from django.urls import reverse

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    Body,
    GoalMeasurement,
    Membership,
    User,
)

MODELS = [Agreement, Action, ActionUpdate, Body, GoalMeasurement, Membership, User]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_fills_bodies_and_agreements_and_is_idempotent(demo_world):
    demo_world(only=["councils"])  # what seed_demo made on an empty database
    first = counts()
    call_command("seed_demo", only=["councils"])
    assert counts() == first

    burlov = Agreement.objects.get(municipality__slug="burlov")
    assert burlov.steering_body.name == "Strategiskt råd"
    assert list(burlov.focus_areas.values_list("title", flat=True)) == [
        "Ungdomsbrottslighet och droger",
        "Våld i nära relationer",
        "Mängdbrott",
    ]
    actions = Action.objects.filter(focus_area__agreement=burlov)
    assert set(actions.values_list("status", flat=True)) == {
        "planned",
        "ongoing",
        "done",
        "cancelled",
    }
    assert actions.late().exists() and actions.stale().exists()
    assert ActionUpdate.objects.filter(action__in=actions).exists()

    eslov = Agreement.objects.get(municipality__slug="eslov")
    assert (eslov.end_date - eslov.start_date).days in (364, 365)
    assert Action.objects.filter(focus_area__agreement=eslov, is_priority=True).count() >= 3

    for body in Body.objects.all():
        assert Membership.objects.current().filter(body=body).count() >= 4, body
    # History is kept: someone has left a working group.
    assert Membership.objects.filter(end_date__isnull=False).exists()


@pytest.mark.parametrize(
    "model",
    ["agreement", "focusarea", "goal", "action", "actionreminder", "citizenpromise", "body"],
)
def test_the_admin_lists_and_adds_the_councils_models(client, demo_world, model):
    demo_world(only=["councils"])
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    assert client.get(reverse(f"admin:councils_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:councils_{model}_add")).status_code == 200


def test_the_admin_keeps_the_rules_too(client, demo_world):
    """A working group whose parent is in another municipality is refused in the admin."""
    demo_world(only=["councils"])
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    eslov_council = Body.objects.get(municipality__slug="eslov", parent=None)
    burlov = Agreement.objects.get(municipality__slug="burlov").municipality
    response = client.post(
        reverse("admin:councils_body_add"),
        {
            "municipality": burlov.pk,
            "name": "Fel grupp",
            "kind": "working_group",
            "parent": eslov_council.pk,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "En annan kommun" in response.content.decode()
        or "annan kommun" in response.content.decode()
    )
    assert not Body.objects.filter(name="Fel grupp").exists()


def test_the_admin_checks_seats_added_with_a_new_body(client, demo_world):
    """A seat given inline with a new body is checked too: the person must work in the
    body's municipality."""
    demo_world(only=["councils"])
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    burlov = Agreement.objects.get(municipality__slug="burlov").municipality
    eslov_only = User.objects.get(username="eslov.ledamot")
    response = client.post(
        reverse("admin:councils_body_add"),
        {
            "municipality": burlov.pk,
            "name": "Ny grupp",
            "kind": "council",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": eslov_only.pk,
            "memberships-0-role": "member",
        },
    )
    assert response.status_code == 200
    assert not Body.objects.filter(name="Ny grupp").exists()

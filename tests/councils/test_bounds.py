"""Dates bounded in the councils' pages (issue #10, finding 2): an agreement, goal, action or
follow-up dated outside 2000..2100 is refused with a message and nothing is saved; odd ids in
query strings are ignored."""

import pytest
from django.urls import reverse

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    CitizenPromiseUpdate,
    Goal,
    GoalMeasurement,
    Membership,
)

from .conftest import days

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01", "9999-12-31"]


def url(name, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": "burlov", **kwargs})


def forms(world, police_org, municipal_admin_org, member, coordinator):
    """(address, valid data, model whose rows must not grow) of every dated councils form."""
    return {
        "membership": (
            url("membership-create", pk=world["working_group"].pk),
            {"user": coordinator.pk, "role": "member", "start_date": days(0)},
            Membership,
        ),
        "agreement": (
            url("agreement-create"),
            {
                "title": "Ny överenskommelse",
                "police_area": police_org.pk,
                "start_date": days(800),
                "end_date": days(1200),
                "status": "draft",
            },
            Agreement,
        ),
        "renewal": (
            url("agreement-renew", pk=world["agreement"].pk),
            {"title": "Förnyad", "start_date": days(701), "end_date": days(1100)},
            Agreement,
        ),
        "goal": (
            url("goal-create", pk=world["focus_area"].pk),
            {
                "title": "Färre bränder",
                "indicator": "Anlagda bränder",
                "unit": "antal",
                "baseline": "10",
                "baseline_date": days(-10),
                "target": "5",
                "target_date": days(300),
                "direction": "decrease",
            },
            Goal,
        ),
        "measurement": (
            url("measurement-create", pk=world["goal"].pk),
            {"measured_on": days(0), "value": "4.2"},
            GoalMeasurement,
        ),
        "action": (
            url("action-create", pk=world["focus_area"].pk),
            {
                "title": "Läxhjälp",
                "responsible_organisation": municipal_admin_org.pk,
                "lead": member.pk,
                "start_date": days(0),
                "due_date": days(100),
                "status": "planned",
            },
            Action,
        ),
        "action update": (
            url("action-update-create", pk=world["action"].pk),
            {"date": days(0), "status": "ongoing", "note": "Pågår."},
            ActionUpdate,
        ),
        "promise follow-up": (
            url("promise-follow-up", pk=world["promise"].pk),
            {"date": days(0), "status": "ongoing", "note": "Pågår."},
            CitizenPromiseUpdate,
        ),
    }


DATE_FIELDS = [
    ("membership", "start_date"),
    ("membership", "end_date"),
    ("agreement", "start_date"),
    ("agreement", "end_date"),
    ("agreement", "signed_on"),
    ("renewal", "start_date"),
    ("renewal", "end_date"),
    ("goal", "baseline_date"),
    ("goal", "target_date"),
    ("measurement", "measured_on"),
    ("action", "start_date"),
    ("action", "due_date"),
    ("action update", "date"),
    ("promise follow-up", "date"),
]


@pytest.mark.parametrize("form, field", DATE_FIELDS)
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_date_out_of_range_is_refused_and_nothing_is_saved(
    client, coordinator, world, police_org, municipal_admin_org, member, form, field, value
):
    address, data, model = forms(world, police_org, municipal_admin_org, member, coordinator)[form]
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    before = model.objects.count()
    response = client.post(address, {**data, field: value})
    assert response.status_code == 400
    errors = str(response.context["form"].errors[field])
    # A follow-up in the future has its own message, which is as clear.
    assert "between 2000-01-01 and 2100-12-31" in errors or "in the future" in errors
    assert model.objects.count() == before


@pytest.mark.parametrize("form", ["membership", "agreement", "goal", "action"])
def test_the_same_forms_save_dates_in_range(
    client, coordinator, world, police_org, municipal_admin_org, member, form
):
    address, data, model = forms(world, police_org, municipal_admin_org, member, coordinator)[form]
    client.force_login(coordinator)
    before = model.objects.count()
    assert client.post(address, data).status_code == 302
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999", "abc"])
def test_an_odd_id_in_the_query_string_is_ignored(client, coordinator, world, value):
    client.force_login(coordinator)
    assert client.get(url("body-create"), {"parent": value}).status_code == 200
    response = client.get(url("action-create", pk=world["focus_area"].pk), {"working_group": value})
    assert response.status_code == 200

"""Bad input gets a clear message on the form, in Swedish (the interface language), and
saves nothing; the database refuses what
the forms would let through by mistake."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from councils.models import (
    Action,
    Agreement,
    Body,
    Goal,
    Membership,
    Organisation,
)

from .conftest import days


def url(name, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": "burlov", **kwargs})


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- Bodies ---------------------------------------------------------------------------------


def test_it_refuses_a_working_group_whose_parent_is_in_another_municipality(
    client, coordinator, burlov, eslov
):
    foreign = Body.objects.create(
        municipality=eslov, name="Beredning Eslöv", kind=Body.Kind.PREPARATION_GROUP
    )
    client.force_login(coordinator)
    response = client.post(
        url("body-create"),
        {"name": "Arbetsgrupp X", "kind": "working_group", "parent": foreign.pk, "is_active": "on"},
    )
    assert response.status_code == 400
    assert errors_of(response, "parent")
    assert not Body.objects.filter(name="Arbetsgrupp X").exists()


def test_the_model_refuses_a_parent_in_another_municipality_even_outside_the_form(burlov, eslov):
    foreign = Body.objects.create(municipality=eslov, name="Råd", kind=Body.Kind.COUNCIL)
    body = Body(municipality=burlov, name="Grupp", kind=Body.Kind.WORKING_GROUP, parent=foreign)
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "parent" in error.value.message_dict


def test_it_refuses_a_cycle_of_parents(client, coordinator, world):
    strategic, working_group = world["strategic"], world["working_group"]
    client.force_login(coordinator)
    response = client.post(
        url("body-edit", pk=strategic.pk),
        {
            "name": strategic.name,
            "kind": strategic.kind,
            "parent": working_group.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "parent") == [
        "En grupp kan inte placeras under sig själv eller under någon av sina egna grupper."
    ]
    strategic.refresh_from_db()
    assert strategic.parent_id is None


def test_the_database_refuses_a_body_that_is_its_own_parent(burlov):
    body = Body.objects.create(municipality=burlov, name="Råd", kind=Body.Kind.COUNCIL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.filter(pk=body.pk).update(parent=body)


def test_it_refuses_a_working_group_without_the_group_that_appointed_it(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("body-create"), {"name": "Lös grupp", "kind": "working_group", "is_active": "on"}
    )
    assert response.status_code == 400
    assert errors_of(response, "parent")
    assert not Body.objects.filter(name="Lös grupp").exists()


def test_it_refuses_two_bodies_with_the_same_name(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        url("body-create"), {"name": "Beredningsgrupp", "kind": "council", "is_active": "on"}
    )
    assert response.status_code == 400
    assert Body.objects.filter(name="Beredningsgrupp").count() == 1


# --- Memberships ----------------------------------------------------------------------------


def test_it_refuses_a_membership_that_ends_before_it_starts(
    client, coordinator, world, police_partner, police_org
):
    client.force_login(coordinator)
    response = client.post(
        url("membership-create", pk=world["preparation"].pk),
        {
            "user": police_partner.pk,
            "role": "member",
            "organisation": police_org.pk,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "end_date") == ["Ett medlemskap kan inte sluta innan det börjar."]
    assert not Membership.objects.filter(user=police_partner).exists()


def test_the_database_refuses_a_membership_that_ends_before_it_starts(world):
    seat = world["seat"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=seat.pk).update(
            end_date=seat.start_date - datetime.timedelta(1)
        )


def test_it_refuses_a_person_of_another_municipality(client, coordinator, world, outsider):
    client.force_login(coordinator)
    response = client.post(
        url("membership-create", pk=world["preparation"].pk),
        {"user": outsider.pk, "role": "member", "start_date": "2026-05-01"},
    )
    assert response.status_code == 400
    assert errors_of(response, "user")
    assert not Membership.objects.filter(user=outsider).exists()


def test_the_model_refuses_an_organisation_that_does_not_serve_the_municipality(
    world, police_partner, eslov
):
    eslov_only = Organisation.objects.create(
        name="Eslövs kommun X", kind="municipal_administration"
    )
    eslov_only.municipalities.add(eslov)
    seat = Membership(body=world["preparation"], user=police_partner, organisation=eslov_only)
    with pytest.raises(ValidationError) as error:
        seat.full_clean()
    assert "organisation" in error.value.message_dict


def test_ending_a_membership_keeps_it_as_history(client, coordinator, world, member):
    seat = world["seat"]
    client.force_login(coordinator)
    response = client.post(
        url("membership-edit", pk=seat.pk),
        {
            "role": seat.role,
            "organisation": seat.organisation_id,
            "start_date": seat.start_date.isoformat(),
            "end_date": days(-1).isoformat(),
        },
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.end_date == days(-1)
    assert not Membership.objects.current().filter(pk=seat.pk).exists()
    html = client.get(world["working_group"].get_absolute_url()).content.decode()
    assert "1 former member" in html or "1 tidigare" in html


# --- Agreement parts ------------------------------------------------------------------------


def goal_data(**overrides):
    data = {
        "title": "Färre inbrott",
        "indicator": "Anmälda bostadsinbrott",
        "unit": "antal",
        "direction": "decrease",
        "baseline": "120",
        "target": "90",
        "target_date": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_it_refuses_a_goal_without_a_target(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(url("goal-create", pk=world["focus_area"].pk), goal_data(target=""))
    assert response.status_code == 400
    assert errors_of(response, "target") == ["Ett mål behöver ett målvärde: det värde som ska nås."]
    assert not Goal.objects.filter(title="Färre inbrott").exists()


def test_it_refuses_a_goal_without_a_target_date(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(url("goal-create", pk=world["focus_area"].pk), goal_data(target_date=""))
    assert response.status_code == 400
    assert errors_of(response, "target_date")
    assert not Goal.objects.filter(title="Färre inbrott").exists()


def test_it_saves_a_measurable_goal(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(url("goal-create", pk=world["focus_area"].pk), goal_data())
    assert response.status_code == 302
    assert Goal.objects.get(title="Färre inbrott").target == 90


def action_data(world, **overrides):
    data = {
        "title": "Grannsamverkan i Åkarp",
        "responsible_organisation": world["action"].responsible_organisation_id,
        "working_group": world["working_group"].pk,
        "lead": world["action"].lead_id,
        "start_date": "2026-03-01",
        "due_date": "2026-12-31",
        "status": "planned",
    }
    data.update(overrides)
    return data


def test_it_refuses_an_action_due_before_it_starts(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        url("action-create", pk=world["focus_area"].pk),
        action_data(world, start_date="2026-06-01", due_date="2026-05-01"),
    )
    assert response.status_code == 400
    assert errors_of(response, "due_date") == ["Slutdatumet kan inte ligga före starten."]
    assert not Action.objects.filter(title="Grannsamverkan i Åkarp").exists()


def test_the_database_refuses_an_action_due_before_it_starts(world):
    action = world["action"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(
            due_date=action.start_date - datetime.timedelta(1)
        )


def test_it_refuses_an_action_for_a_group_of_another_municipality(
    client, coordinator, world, eslov
):
    foreign = Body.objects.create(municipality=eslov, name="Grupp Eslöv", kind="council")
    client.force_login(coordinator)
    response = client.post(
        url("action-create", pk=world["focus_area"].pk),
        action_data(world, working_group=foreign.pk),
    )
    assert response.status_code == 400
    assert errors_of(response, "working_group")
    assert not Action.objects.filter(title="Grannsamverkan i Åkarp").exists()


def test_it_refuses_an_agreement_period_that_ends_before_it_starts(
    client, coordinator, world, police_org
):
    client.force_login(coordinator)
    response = client.post(
        url("agreement-create"),
        {
            "title": "Ny överenskommelse",
            "police_area": police_org.pk,
            "start_date": "2027-01-01",
            "end_date": "2026-12-31",
            "status": "draft",
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "end_date")
    assert not Agreement.objects.filter(title="Ny överenskommelse").exists()


def test_it_refuses_a_second_active_agreement(client, coordinator, world, police_org):
    client.force_login(coordinator)
    response = client.post(
        url("agreement-create"),
        {
            "title": "Ny överenskommelse",
            "police_area": police_org.pk,
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
            "status": "active",
        },
    )
    assert response.status_code == 400
    assert errors_of(response, "status")
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            municipality=world["agreement"].municipality,
            title="Ännu en",
            police_area=police_org,
            start_date=days(0),
            end_date=days(365),
            status="active",
        )


def test_it_refuses_an_update_dated_in_the_future(client, member, world):
    client.force_login(member)
    response = client.post(
        url("action-update-create", pk=world["action"].pk),
        {"date": days(3).isoformat(), "status": "ongoing", "note": "Klart snart"},
    )
    assert response.status_code == 400
    assert errors_of(response, "date")
    assert not world["action"].updates.exists()


def test_it_refuses_negative_hours(client, member, world):
    client.force_login(member)
    response = client.post(
        url("action-update-create", pk=world["action"].pk),
        {"date": days(0).isoformat(), "status": "ongoing", "note": "x", "hours_spent": "-2"},
    )
    assert response.status_code == 400
    assert not world["action"].updates.exists()


# --- Derived lateness -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,due,late",
    [
        ("planned", -1, True),
        ("ongoing", -1, True),
        ("done", -1, False),
        ("cancelled", -1, False),
        ("ongoing", 0, False),
        ("ongoing", 10, False),
    ],
)
def test_late_is_derived_from_due_date_and_status(world, status, due, late):
    action = world["action"]
    Action.objects.filter(pk=action.pk).update(
        status=status, start_date=days(-30), due_date=days(due)
    )
    annotated = Action.objects.with_follow_up().get(pk=action.pk)
    plain = Action.objects.get(pk=action.pk)
    assert annotated.late is late
    assert plain.late is late
    assert Action.objects.late().filter(pk=action.pk).exists() is late
    assert "late" not in {f.name for f in Action._meta.get_fields()}


def test_body_restrict_gives_members_only_their_current_bodies(world, member, coordinator):
    member_role = member.municipality_memberships.get()
    coordinator_role = coordinator.municipality_memberships.get()
    assert set(Body.objects.restrict(member_role)) == {world["working_group"]}
    assert set(Body.objects.restrict(coordinator_role)) == {
        world["strategic"],
        world["preparation"],
        world["working_group"],
    }
    seat = world["seat"]
    seat.start_date = days(-50)
    seat.end_date = days(-1)
    seat.save()
    assert not Body.objects.restrict(member_role).exists()


def test_it_refuses_a_second_seat_overlapping_the_first(client, coordinator, world, member):
    client.force_login(coordinator)
    response = client.post(
        url("membership-create", pk=world["working_group"].pk),
        {"user": member.pk, "role": "member", "start_date": days(0).isoformat()},
    )
    assert response.status_code == 400
    assert errors_of(response, "user")
    assert world["working_group"].memberships.count() == 1


def test_a_person_may_return_to_a_body_after_leaving(client, coordinator, world, member):
    seat = world["seat"]
    seat.end_date = days(-10)
    seat.save()
    client.force_login(coordinator)
    response = client.post(
        url("membership-create", pk=world["working_group"].pk),
        {"user": member.pk, "role": "member", "start_date": days(0).isoformat()},
    )
    assert response.status_code == 302
    assert world["working_group"].memberships.count() == 2


def test_it_refuses_a_target_on_the_wrong_side_of_the_baseline(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        url("goal-create", pk=world["focus_area"].pk),
        goal_data(direction="decrease", baseline="100", target="120"),
    )
    assert response.status_code == 400
    assert errors_of(response, "target")
    response = client.post(
        url("goal-create", pk=world["focus_area"].pk),
        goal_data(direction="increase", baseline="100", target="120"),
    )
    assert response.status_code == 302

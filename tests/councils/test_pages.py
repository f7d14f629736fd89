"""What the pages do: coordinators build the structure and the agreement in the pages, the
lead follows up, everyone reads; list pages run a constant number of queries."""

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    Body,
    FocusArea,
    GoalMeasurement,
    Membership,
)
from councils.services import agreements
from tests.factories import make_user
from trygghet import access

from .conftest import days


def url(name, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": "burlov", **kwargs})


def test_the_coordinator_appoints_a_working_group_and_seats_two_members(
    client, coordinator, world, police_partner, police_org, municipal_admin_org, member
):
    client.force_login(coordinator)
    form = client.get(url("body-create") + f"?parent={world['preparation'].pk}")
    assert form.context["form"].initial["parent"] == world["preparation"]
    response = client.post(
        url("body-create"),
        {
            "name": "Arbetsgrupp trygga miljöer",
            "kind": "working_group",
            "parent": world["preparation"].pk,
            "mandate": "Trygghetsvandringar.",
            "is_active": "on",
        },
    )
    group = Body.objects.get(name="Arbetsgrupp trygga miljöer")
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    assert group.municipality == world["preparation"].municipality
    for user, org, role in [
        (police_partner, police_org, "chair"),
        (member, municipal_admin_org, "member"),
    ]:
        response = client.post(
            url("membership-create", pk=group.pk),
            {
                "user": user.pk,
                "role": role,
                "organisation": org.pk,
                "start_date": days(0).isoformat(),
            },
        )
        assert response.status_code == 302
    assert set(
        Membership.objects.current().filter(body=group).values_list("organisation__name", flat=True)
    ) == {
        police_org.name,
        municipal_admin_org.name,
    }
    html = client.get(url("chart")).content.decode()
    assert "Arbetsgrupp trygga miljöer" in html
    # The police partner now sits in the group, so may read it.
    client.force_login(police_partner)
    assert client.get(group.get_absolute_url()).status_code == 200


def test_the_body_page_shows_its_meetings_panel(client, coordinator, world):
    client.force_login(coordinator)
    html = client.get(world["working_group"].get_absolute_url()).content.decode()
    assert 'id="body-meetings-heading"' in html
    assert f"/burlov/meetings/bodies/{world['working_group'].pk}/feed.ics" in html
    assert world["working_group"].mandate in html
    assert world["action"].title in html


def test_the_lead_posts_an_update_that_shows_on_the_follow_up(client, member, world):
    action = world["action"]
    client.force_login(member)
    response = client.post(
        url("action-update-create", pk=action.pk),
        {
            "date": days(0).isoformat(),
            "status": "done",
            "note": "Alla vandringar klara.",
            "hours_spent": "12.5",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    update = action.updates.get()
    assert (
        update.author == member
        and update.hours_spent == 12.5
        and update.previous_status == "ongoing"
    )
    html = client.get(url("agreement-follow-up", pk=world["agreement"].pk)).content.decode()
    assert "Alla vandringar klara." in html


def test_nobody_follows_up_an_action_of_an_ended_agreement(client, member, world):
    agreement = world["agreement"]
    agreement.status = "ended"
    agreement.save()
    client.force_login(member)
    response = client.post(
        url("action-update-create", pk=world["action"].pk),
        {"date": days(0).isoformat(), "status": "done", "note": "Sent"},
    )
    assert response.status_code == 302
    assert not ActionUpdate.objects.exists()


def test_the_coordinator_creates_an_action_for_the_working_group(
    client, coordinator, world, member, municipal_admin_org
):
    client.force_login(coordinator)
    response = client.post(
        url("action-create", pk=world["focus_area"].pk),
        {
            "title": "Läxhjälp på fritidsgården",
            "responsible_organisation": municipal_admin_org.pk,
            "working_group": world["working_group"].pk,
            "lead": member.pk,
            "start_date": "2026-01-01",
            "due_date": "2026-12-31",
            "status": "planned",
        },
    )
    action = Action.objects.get(title="Läxhjälp på fritidsgården")
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    assert action.working_group == world["working_group"]


def test_the_coordinator_records_a_goal_value_shown_against_the_target(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        url("measurement-create", pk=world["goal"].pk),
        {"measured_on": days(0).isoformat(), "value": "4.2"},
    )
    assert response.status_code == 302
    html = client.get(url("agreement-follow-up", pk=world["agreement"].pk)).content.decode()
    assert "4,2" in html or "4.2" in html
    # A second value for the same day is refused on the form.
    response = client.post(
        url("measurement-create", pk=world["goal"].pk),
        {"measured_on": days(0).isoformat(), "value": "4.0"},
    )
    assert response.status_code == 400
    assert GoalMeasurement.objects.count() == 1


def test_citizen_promises_are_followed_up(client, coordinator, world):
    client.force_login(coordinator)
    promise = world["promise"]
    response = client.post(
        url("promise-follow-up", pk=promise.pk),
        {"date": days(0).isoformat(), "status": "kept", "note": "Närvaro alla helger."},
    )
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == "kept"
    assert (
        "Närvaro alla helger." in client.get(world["agreement"].get_absolute_url()).content.decode()
    )


def test_the_pdf_holds_the_agreement_and_its_actions(client, member, world, tmp_path):
    client.force_login(member)
    response = client.get(url("agreement-pdf", pk=world["agreement"].pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(text.split())  # table cells wrap their lines
    assert world["agreement"].title in text
    assert world["action"].title in text
    assert world["goal"].title in text


# --- Query counts ---------------------------------------------------------------------------


def grow(world, n):
    """Add ``n`` bodies with members, and ``n`` actions with updates and goal values."""
    burlov = world["agreement"].municipality
    org = world["action"].responsible_organisation
    for i in range(n):
        body = Body.objects.create(
            municipality=burlov,
            name=f"Grupp {Body.objects.count()}",
            kind="working_group",
            parent=world["preparation"],
        )
        user = make_user(f"burlov.extra{Membership.objects.count()}", burlov, access.MEMBER, org)
        Membership.objects.create(body=body, user=user, organisation=org, start_date=days(-5))
        Membership.objects.create(body=world["working_group"], user=user, organisation=org)
        action = Action.objects.create(
            focus_area=world["focus_area"],
            title=f"Insats {Action.objects.count()}",
            responsible_organisation=org,
            working_group=body,
            lead=user,
            start_date=days(-200),
            due_date=days(-1 if i % 2 else 30),
            status="ongoing",
        )
        ActionUpdate.objects.create(
            action=action, author=user, note="x", status="ongoing", previous_status="ongoing"
        )
        old = Agreement.objects.create(
            municipality=burlov,
            title=f"Tidigare överenskommelse {Agreement.objects.count()}",
            police_area=world["agreement"].police_area,
            steering_body=world["strategic"],
            start_date=days(-3000 - 400 * Agreement.objects.count()),
            end_date=days(-2700 - 400 * Agreement.objects.count()),
            status="ended",
        )
        FocusArea.objects.create(agreement=old, title="Mängdbrott")
        GoalMeasurement.objects.create(
            goal=world["goal"], measured_on=days(-GoalMeasurement.objects.count() - 1), value=i
        )


LIST_PAGES = [
    ("chart", None),
    ("agreement-list", None),
    ("agreement-detail", "agreement"),
    ("agreement-follow-up", "agreement"),
    ("body-detail", "working_group"),
    ("body-detail", "preparation"),
]


@pytest.mark.parametrize("name,key", LIST_PAGES)
def test_list_pages_run_a_constant_number_of_queries(client, coordinator, world, name, key):
    client.force_login(coordinator)
    target = url(name, **({"pk": world[key].pk} if key else {}))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        return len(ctx.captured_queries)

    grow(world, 2)
    small = count()
    grow(world, 12)
    large = count()
    assert small == large, f"{name}: {small} queries with few rows, {large} with many"
    assert large <= 16


def test_the_lead_finds_their_open_actions_on_the_agreement_list(client, member, world):
    client.force_login(member)
    html = client.get(url("agreement-list")).content.decode()
    assert world["action"].get_absolute_url() in html
    Action.objects.filter(pk=world["action"].pk).update(status="done")
    html = client.get(url("agreement-list")).content.decode()
    assert world["action"].get_absolute_url() not in html


def test_the_follow_up_adds_up_the_hours_reported(client, coordinator, world):
    action = world["action"]
    for hours in ("2.5", "4"):
        ActionUpdate.objects.create(
            action=action,
            author=action.lead,
            note="x",
            status="ongoing",
            previous_status="ongoing",
            hours_spent=hours,
        )
    data = agreements.follow_up(world["agreement"])
    assert data["areas"][0]["hours"] == 6.5
    assert data["totals"]["hours"] == 6.5

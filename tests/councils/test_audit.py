"""What of the councils app reaches the audit trail: every change of a person's role,
organisation or active flag, an organisation's kind and seats in bodies makes exactly one event
with the right before and after, on the municipal pages and in the operators' admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councils.models import Membership, MunicipalityMembership, Organisation
from councils.services import people
from tests.admin_helpers import admin_form_data
from trygghet import access
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def url(name, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": "burlov", **kwargs})


def only_event(**filters):
    (event,) = AuditEvent.objects.filter(**filters)
    return event


def edit_data(membership, **extra):
    return {
        "role": membership.role,
        "organisation": membership.organisation_id,
        "title": membership.title,
        "is_active": "on" if membership.is_active else "",
        **extra,
    }


# --- People ---------------------------------------------------------------------------------


def test_adding_a_person_records_their_role_and_organisation(login, admin_user, police_org):
    response = login(admin_user).post(
        url("person-create"),
        {
            "first_name": "Sara",
            "last_name": "Lind",
            "email": "sara.lind@polisen.se",
            "role": access.PARTNER,
            "organisation": police_org.pk,
            "title": "Kommunpolis",
        },
    )
    assert response.status_code == 302
    event = only_event()
    membership = MunicipalityMembership.objects.get(user__email="sara.lind@polisen.se")
    assert event.action == Action.PERSON_ADDED
    assert (event.actor, event.person) == (admin_user, membership.user)
    assert (event.object_type, event.object_id) == (
        "councils.municipalitymembership",
        str(membership.pk),
    )
    assert event.object_label == "Sara Lind"
    assert event.old == {}
    assert event.new == {
        "role": access.PARTNER,
        "organisation": police_org.name,
        "reads_restricted": True,
        "is_active": True,
    }
    assert event.client_address == "127.0.0.1"


def test_a_role_change_is_one_event(login, admin_user, member):
    target = member.municipality_memberships.get()
    login(admin_user).post(url("person-edit", pk=target.pk), edit_data(target, role="coordinator"))
    event = only_event()
    assert event.action == Action.ROLE_CHANGED
    assert (event.old, event.new) == ({"role": "member"}, {"role": "coordinator"})
    assert (event.actor, event.person) == (admin_user, member)


def test_moving_a_person_to_a_public_authority_is_recorded(
    login, admin_user, company_partner, police_org, security_org
):
    target = company_partner.municipality_memberships.get()
    login(admin_user).post(
        url("person-edit", pk=target.pk), edit_data(target, organisation=police_org.pk)
    )
    event = only_event()
    assert event.action == Action.ORGANISATION_CHANGED
    assert event.old == {"organisation": security_org.name, "reads_restricted": False}
    assert event.new == {"organisation": police_org.name, "reads_restricted": True}


def test_deactivating_and_activating_are_recorded(login, admin_user, member):
    target = member.municipality_memberships.get()
    client = login(admin_user)
    client.post(url("person-edit", pk=target.pk), edit_data(target, is_active=""))
    target.refresh_from_db()
    client.post(url("person-edit", pk=target.pk), edit_data(target, is_active="on"))
    deactivated, activated = AuditEvent.objects.order_by("pk")
    assert deactivated.action == Action.PERSON_DEACTIVATED
    assert (deactivated.old, deactivated.new) == ({"is_active": True}, {"is_active": False})
    assert activated.action == Action.PERSON_ACTIVATED
    assert (activated.old, activated.new) == ({"is_active": False}, {"is_active": True})


def test_one_save_with_several_changes_makes_one_event_per_kind(
    login, admin_user, member, police_org
):
    target = member.municipality_memberships.get()
    login(admin_user).post(
        url("person-edit", pk=target.pk),
        edit_data(target, role="partner", organisation=police_org.pk, is_active=""),
    )
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == sorted(
        [Action.ROLE_CHANGED, Action.ORGANISATION_CHANGED, Action.PERSON_DEACTIVATED]
    )


def test_a_change_of_title_only_is_not_recorded(login, admin_user, member):
    target = member.municipality_memberships.get()
    login(admin_user).post(url("person-edit", pk=target.pk), edit_data(target, title="Rektor"))
    assert not AuditEvent.objects.exists()


def test_a_refused_change_leaves_no_event(admin_user, burlov):
    """The last admin cannot be demoted: the change rolls back, and its event with it."""
    own = admin_user.municipality_memberships.get()
    other = MunicipalityMembership(user=admin_user, municipality=burlov, role="coordinator")
    with pytest.raises(ValidationError):
        people.change_membership(
            own,
            acting=other,
            role="coordinator",
            organisation=own.organisation,
            title="",
            is_active=True,
        )
    assert not AuditEvent.objects.exists()


# --- Organisations --------------------------------------------------------------------------


def test_a_new_organisation_is_recorded_with_its_kind(login, admin_user, burlov):
    login(admin_user).post(
        url("organisation-create"), {"name": "Vaktbolaget AB", "short_name": "", "kind": "police"}
    )
    event = only_event()
    assert event.action == Action.ORGANISATION_ADDED
    assert (event.municipality, event.actor) == (burlov, admin_user)
    assert event.new == {"kind": "police", "reads_restricted": True}
    assert event.object_label == "Vaktbolaget AB"


def test_an_existing_organisation_that_starts_serving_the_municipality_is_recorded(
    login, admin_user, burlov, eslov
):
    rescue = Organisation.objects.create(name="Räddningstjänsten Syd", kind="rescue_service")
    rescue.municipalities.add(eslov)
    login(admin_user).post(
        url("organisation-create"),
        {"name": "räddningstjänsten syd", "short_name": "", "kind": "other"},
    )
    event = only_event()
    assert (event.action, event.municipality) == (Action.ORGANISATION_ADDED, burlov)
    assert event.new == {"kind": "rescue_service", "reads_restricted": True}


def test_a_change_of_kind_is_recorded(login, admin_user, security_org):
    login(admin_user).post(
        url("organisation-edit", pk=security_org.pk),
        {"name": security_org.name, "short_name": "", "kind": "municipal_administration"},
    )
    event = only_event()
    assert event.action == Action.ORGANISATION_KIND_CHANGED
    assert event.old == {"kind": "security_company", "reads_restricted": False}
    assert event.new == {"kind": "municipal_administration", "reads_restricted": True}


def test_renaming_an_organisation_is_not_recorded(login, admin_user, security_org):
    login(admin_user).post(
        url("organisation-edit", pk=security_org.pk),
        {"name": "Nytt namn AB", "short_name": "", "kind": security_org.kind},
    )
    assert not AuditEvent.objects.exists()


# --- Seats in bodies ------------------------------------------------------------------------


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def seat_data(seat=None, **extra):
    data = {
        "role": seat.role if seat else "member",
        "organisation": (seat.organisation_id or "") if seat else "",
        "start_date": seat.start_date.isoformat() if seat and seat.start_date else "",
        "end_date": seat.end_date.isoformat() if seat and seat.end_date else "",
    }
    if seat is None:
        data["user"] = extra.pop("user")
    return {**data, **extra}


def test_a_new_seat_is_recorded(login, coordinator, working_group, police_partner):
    login(coordinator).post(
        url("membership-create", pk=working_group.pk),
        seat_data(user=police_partner.pk, start_date=days(0).isoformat()),
    )
    event = only_event()
    assert event.action == Action.SEAT_ADDED
    assert (event.actor, event.person) == (coordinator, police_partner)
    assert event.new == {
        "body": working_group.name,
        "seat_role": "member",
        "start_date": days(0).isoformat(),
        "end_date": None,
    }
    assert event.object_label == f"{police_partner} – {working_group}"


def test_ending_a_seat_is_one_event(login, coordinator, working_group):
    seat = Membership.objects.get(body=working_group)
    login(coordinator).post(
        url("membership-edit", pk=seat.pk), seat_data(seat, end_date=days(0).isoformat())
    )
    event = only_event()
    assert event.action == Action.SEAT_ENDED
    assert (event.old, event.new) == ({"end_date": None}, {"end_date": days(0).isoformat()})


def test_a_new_role_in_a_body_is_recorded(login, coordinator, working_group):
    seat = Membership.objects.get(body=working_group)
    login(coordinator).post(url("membership-edit", pk=seat.pk), seat_data(seat, role="member"))
    event = only_event()
    assert event.action == Action.SEAT_CHANGED
    assert (event.old, event.new) == ({"seat_role": "chair"}, {"seat_role": "member"})


# --- The operators' admin -------------------------------------------------------------------


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("drift", "drift@example.org", "x")


def test_an_operator_changing_a_role_in_the_admin_is_recorded(client, operator, member):
    membership = member.municipality_memberships.get()
    client.force_login(operator)
    page = reverse("admin:councils_municipalitymembership_change", args=[membership.pk])
    data = admin_form_data(client.get(page))
    data["role"] = "admin"
    assert client.post(page, data).status_code == 302
    event = only_event()
    assert (event.action, event.actor) == (Action.ROLE_CHANGED, operator)
    assert (event.old, event.new) == ({"role": "member"}, {"role": "admin"})


def test_an_operator_deleting_a_role_in_the_admin_is_recorded(client, operator, member):
    membership = member.municipality_memberships.get()
    client.force_login(operator)
    page = reverse("admin:councils_municipalitymembership_delete", args=[membership.pk])
    assert client.post(page, {"post": "yes"}).status_code == 302
    event = only_event()
    assert (event.action, event.person) == (Action.PERSON_REMOVED, member)
    assert event.old["role"] == "member"


def test_an_operator_deactivating_a_role_on_the_user_page_is_recorded(client, operator, member):
    client.force_login(operator)
    page = reverse("admin:councils_user_change", args=[member.pk])
    data = admin_form_data(client.get(page))
    del data["municipality_memberships-0-is_active"]
    response = client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    event = only_event()
    assert (event.action, event.actor, event.person) == (
        Action.PERSON_DEACTIVATED,
        operator,
        member,
    )


def test_an_operator_changing_a_kind_in_the_admin_is_recorded_in_each_municipality(
    client, operator, police_org, burlov, eslov
):
    client.force_login(operator)
    page = reverse("admin:councils_organisation_change", args=[police_org.pk])
    data = admin_form_data(client.get(page))
    data["kind"] = "security_company"
    assert client.post(page, data).status_code == 302
    events = AuditEvent.objects.order_by("municipality__name")
    assert [e.municipality for e in events] == [burlov, eslov]
    for event in events:
        assert event.action == Action.ORGANISATION_KIND_CHANGED
        assert event.new == {"kind": "security_company", "reads_restricted": False}


def test_an_operator_ending_a_seat_in_the_admin_is_recorded(client, operator, working_group):
    client.force_login(operator)
    page = reverse("admin:councils_body_change", args=[working_group.pk])
    data = admin_form_data(client.get(page))
    data["memberships-0-end_date"] = days(0).isoformat()
    response = client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    event = only_event()
    assert (event.action, event.actor) == (Action.SEAT_ENDED, operator)
    assert event.new == {"end_date": days(0).isoformat()}


def test_an_operator_removing_a_seat_in_the_admin_is_recorded(client, operator, working_group):
    seat = Membership.objects.get(body=working_group)
    client.force_login(operator)
    page = reverse("admin:councils_body_change", args=[working_group.pk])
    data = admin_form_data(client.get(page))
    data["memberships-0-DELETE"] = "on"
    response = client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    event = only_event()
    assert (event.action, event.actor, event.person) == (Action.SEAT_REMOVED, operator, seat.user)
    assert (event.object_type, event.object_id) == ("councils.membership", str(seat.pk))
    assert event.old["seat_role"] == "chair"

"""The audit trail itself: events are never changed or deleted (model, queryset, database), and
the municipality's admins, only they, read it on /<municipality>/audit/."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from councils.models import MunicipalityMembership, Organisation
from tests.factories import make_user
from trygghet import access, audit
from trygghet.models import AuditEvent, AuditEventImmutable

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def audit_url(municipality="burlov"):
    return reverse("audit-trail", kwargs={"municipality": municipality})


@pytest.fixture
def event(admin_user, member):
    membership = member.municipality_memberships.get()
    return audit.record(
        membership.municipality,
        Action.ROLE_CHANGED,
        membership,
        old={"role": access.MEMBER},
        new={"role": access.COORDINATOR},
        actor=admin_user,
        person=member,
        label=str(member),
    )


# --- Never changed, never deleted -----------------------------------------------------------


def test_an_event_cannot_be_saved_again(event):
    event.new = {"role": access.ADMIN}
    with pytest.raises(AuditEventImmutable):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()


def test_the_queryset_refuses_updates_and_deletes(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(new={})
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["new"])
    assert AuditEvent.objects.get(pk=event.pk).new == {"role": access.COORDINATOR}


def test_the_database_refuses_raw_updates_and_deletes(event):
    """Even SQL that never passes the model: the trigger of migration trygghet 0002."""
    assert connection.vendor == "postgresql"
    refused = pytest.raises(DatabaseError, match="never changed or deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE trygghet_auditevent SET new = '{}' WHERE id = %s", [event.pk])
    refused = pytest.raises(DatabaseError, match="never changed or deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM trygghet_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).new == {"role": access.COORDINATOR}


def test_the_django_admin_shows_events_read_only(client, django_user_model, event):
    operator = django_user_model.objects.create_superuser("drift", "drift@example.org", "x")
    client.force_login(operator)
    model_admin = admin.site._registry[AuditEvent]
    request = client.get(reverse("admin:trygghet_auditevent_changelist")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    page = client.get(reverse("admin:trygghet_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    add = client.get(reverse("admin:trygghet_auditevent_add"))
    assert add.status_code == 403


def test_an_event_survives_the_object_it_concerns(burlov, admin_user):
    organisation = Organisation.objects.create(name="Tillfälligt AB", kind="other")
    audit.record(burlov, Action.ORGANISATION_ADDED, organisation, actor=admin_user)
    organisation.delete()
    event = AuditEvent.objects.get()
    assert (event.object_type, event.object_label) == ("councils.organisation", "Tillfälligt AB")


# --- The page -------------------------------------------------------------------------------


def test_the_page_is_for_the_admins_of_the_municipality(login, users_by_role, event):
    for role, user in users_by_role.items():
        status = login(user).get(audit_url()).status_code
        expected = {"admin": 200, "outsider": 404}.get(role, 403)
        assert status == expected, role


def test_an_admin_of_another_municipality_gets_404(login, eslov, event):
    other = make_user("eslov.admin", eslov, access.ADMIN)
    assert login(other).get(audit_url()).status_code == 404
    # ... and their own trail does not show Burlöv's events.
    response = login(other).get(audit_url("eslov"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []


def test_the_user_menu_links_the_trail_for_admins_only(login, admin_user, coordinator):
    link = f'href="{audit_url()}"'
    assert link in login(admin_user).get("/burlov/").content.decode()
    assert link not in login(coordinator).get("/burlov/").content.decode()


def test_it_shows_who_when_what_and_old_to_new_in_swedish(login, admin_user, event):
    response = login(admin_user).get(audit_url(), HTTP_ACCEPT_LANGUAGE="sv")
    content = response.content.decode()
    assert "Roll ändrad" in content
    assert "Member Testsson" in content  # the person concerned
    assert "Admin Testsson" in content  # who did it
    assert "ledamot" in content and "samordnare" in content
    assert "→" in content
    assert '<form method="post"' not in content  # nothing to edit


def test_it_reads_in_english_too(login, admin_user, event):
    response = login(admin_user).get(audit_url(), HTTP_ACCEPT_LANGUAGE="en")
    (row,) = response.context["page_obj"]
    assert [(str(label), str(old), str(new)) for label, old, new in row.changes] == [
        ("role", "member", "coordinator")
    ]
    assert "Role changed" in response.content.decode()


def test_it_lists_newest_first_and_filters_by_action_and_person(
    login, admin_user, member, coordinator, event
):
    membership = coordinator.municipality_memberships.get()
    later = audit.record(
        membership.municipality,
        Action.PERSON_DEACTIVATED,
        membership,
        old={"is_active": True},
        new={"is_active": False},
        actor=admin_user,
        person=coordinator,
    )
    client = login(admin_user)
    assert list(client.get(audit_url()).context["page_obj"]) == [later, event]
    by_action = client.get(audit_url(), {"action": Action.ROLE_CHANGED})
    assert list(by_action.context["page_obj"]) == [event]
    about_member = client.get(audit_url(), {"person": member.pk})
    assert list(about_member.context["page_obj"]) == [event]
    by_admin = client.get(audit_url(), {"person": admin_user.pk})
    assert list(by_admin.context["page_obj"]) == [later, event]


def test_it_pages_through_many_events(login, admin_user, member, burlov):
    membership = member.municipality_memberships.get()
    for _ in range(55):
        audit.record(burlov, Action.ROLE_CHANGED, membership, actor=admin_user)
    client = login(admin_user)
    first = client.get(audit_url())
    assert len(first.context["page_obj"]) == 50
    second = client.get(audit_url(), {"page": 2})
    assert len(second.context["page_obj"]) == 5


def test_it_answers_in_a_constant_number_of_queries(
    login, admin_user, member, burlov, django_assert_max_num_queries
):
    membership = member.municipality_memberships.get()
    for _ in range(30):
        audit.record(burlov, Action.ROLE_CHANGED, membership, actor=admin_user, person=member)
    client = login(admin_user)
    with django_assert_max_num_queries(12):
        client.get(audit_url())


def test_an_admin_who_reads_no_restricted_data_sees_no_confidentiality_change(
    login, burlov, security_org, admin_user
):
    """A private company's admin would otherwise learn that a restricted incident exists."""
    private_admin = make_user("burlov.private", burlov, access.ADMIN, security_org)
    organisation = Organisation.objects.create(name="Stand-in", kind="other")
    audit.record(
        burlov,
        Action.CONFIDENTIALITY_CHANGED,
        organisation,
        old={"confidentiality": "open"},
        new={"confidentiality": "restricted"},
    )
    assert len(login(admin_user).get(audit_url()).context["page_obj"]) == 1
    assert len(login(private_admin).get(audit_url()).context["page_obj"]) == 0


def test_the_client_address_is_kept(rf, burlov, admin_user, member):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = admin_user
    membership = MunicipalityMembership.objects.get(user=member)
    event = audit.record(burlov, Action.ROLE_CHANGED, membership, request=request)
    assert (event.client_address, event.actor) == ("192.0.2.7", admin_user)

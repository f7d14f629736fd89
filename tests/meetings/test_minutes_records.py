"""Approved minutes are an official record in the database too (issue 10, finding 5).

The model refused to change an approved record, but ORM ``update()``/``delete()`` and SQL did
not go through it; observations and action items could be added after approval (by a partner
too) and edited in the admin, and changing an attendance row of approved minutes in the admin
answered 500. PostgreSQL triggers refuse those changes now, as they do for approved situation
reports, and the pages and the admin refuse them politely.

What hangs off approved minutes: the meeting row, its approved versions, its agenda items (with
their notes and decisions), its attendance, its observations and its action items. Two things
go on after approval, by design: an action item is followed up at later meetings until it is
done (its status), and an observation is resolved when its action item is done.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from councils.models import User
from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Kind,
    Meeting,
    MinutesLocked,
    MinutesVersion,
    Observation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(make_meeting, coordinator, seat):
    meeting = make_meeting(start=timezone.now() - datetime.timedelta(days=2))
    item = services.add_item(meeting, title="Läget")
    item.notes = "Lugnt i Arlöv."
    item.save()
    services.add_action_item(
        meeting, what="Kontakta fastighetsägaren", owner=coordinator, agenda_item=item
    )
    meeting.attendances.update(status=Attendance.Status.PRESENT)
    services.mark_held(meeting)
    services.approve_minutes(meeting, coordinator)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def approved_walk(make_meeting, coordinator, member, seat):
    walk = make_meeting(kind=Kind.SAFETY_WALK, start=timezone.now() - datetime.timedelta(days=1))
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Gångtunneln",
        category="lighting",
        description="Två lampor trasiga",
        created_by=member,
    )
    services.mark_held(walk)
    services.approve_minutes(walk, coordinator)
    walk.refresh_from_db()
    return walk


def refused(statement, params=()):
    """Whether the database refuses the statement (run in a savepoint)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except IntegrityError as exc:
        assert "official record" in str(exc)
        return True
    return False


def test_the_database_refuses_to_change_or_delete_an_approved_version(approved):
    version = approved.minutes_versions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesVersion.objects.filter(pk=version.pk).update(snapshot={})
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesVersion.objects.filter(pk=version.pk).delete()
    assert refused("UPDATE meetings_minutesversion SET reason = 'x' WHERE id = %s", [version.pk])
    assert refused("DELETE FROM meetings_minutesversion WHERE id = %s", [version.pk])
    version.refresh_from_db()
    assert version.snapshot["items"][0]["notes"] == "Lugnt i Arlöv."


def test_the_database_refuses_to_change_what_hangs_off_approved_minutes(
    approved, coordinator, member
):
    item = approved.agenda_items.get()
    attendance = approved.attendances.first()
    action = approved.action_items.get()
    for queryset, change in [
        (AgendaItem.objects.filter(pk=item.pk), {"notes": "Ändrat i efterhand"}),
        (Attendance.objects.filter(pk=attendance.pk), {"status": Attendance.Status.ABSENT}),
        (ActionItem.objects.filter(pk=action.pk), {"what": "Något annat"}),
        (ActionItem.objects.filter(pk=action.pk), {"due_date": datetime.date(2030, 1, 1)}),
        (Meeting.objects.filter(pk=approved.pk), {"title": "Annat möte"}),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.bulk_create(
            [Attendance(meeting=approved, name="Efterhand", role=Attendance.Role.GUEST)]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    municipality=approved.municipality,
                    meeting=approved,
                    body=approved.body,
                    what="I efterhand",
                )
            ]
        )
    assert refused(
        "UPDATE meetings_attendance SET status = 'absent' WHERE meeting_id = %s", [approved.pk]
    )
    assert refused("DELETE FROM meetings_agendaitem WHERE meeting_id = %s", [approved.pk])
    assert refused("UPDATE meetings_meeting SET place = 'x' WHERE id = %s", [approved.pk])
    assert list(approved.attendances.values_list("status", flat=True)) == ["present"]
    assert approved.agenda_items.get().notes == "Lugnt i Arlöv."


def test_the_model_refuses_new_rows_on_approved_minutes_with_a_clear_error(approved, coordinator):
    with pytest.raises(MinutesLocked):
        Attendance.objects.create(meeting=approved, name="Efterhand", role="guest")
    with pytest.raises(MinutesLocked):
        services.add_action_item(approved, what="I efterhand", owner=coordinator)
    action = approved.action_items.get()
    action.what = "Något annat"
    with pytest.raises(MinutesLocked):
        action.save()
    with pytest.raises(MinutesLocked):
        approved.action_items.get().delete()


def test_a_carried_forward_action_item_is_followed_up_at_the_next_meeting(
    approved, make_meeting, coordinator
):
    """Carry-forward: an action item stays with the meeting that decided it; the body's later
    meetings list it (the ``actions`` agenda source) until it is done, and its status is what
    changes. So its status may change after approval; what was decided may not."""
    action = approved.action_items.get()
    following = make_meeting(start=timezone.now() + datetime.timedelta(days=5))
    services.fill_agenda(following)
    follow_up = following.agenda_items.get(source_key="actions:open")
    assert "Kontakta fastighetsägaren" in follow_up.description

    services.set_action_status(action, ActionItem.Status.DONE)
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE and action.closed_at is not None
    services.fill_agenda(following)
    assert not following.agenda_items.filter(source_key="actions:open").exists()
    # The approved version keeps the state at approval.
    snapshot = approved.minutes_versions.get().snapshot
    assert snapshot["items"][0]["action_items"][0]["status_key"] == "open"
    # Open again (a queryset update is no different from the status form).
    ActionItem.objects.filter(pk=action.pk).update(status=ActionItem.Status.OPEN, closed_at=None)
    services.fill_agenda(following)
    assert following.agenda_items.filter(source_key="actions:open").exists()


def test_the_action_list_still_closes_an_action_item_of_approved_minutes(
    login, coordinator, approved
):
    action = approved.action_items.get()
    response = login(coordinator).post(
        reverse("meetings:action-status", kwargs={"municipality": "burlov", "pk": action.pk}),
        {"status": "done"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE


def test_reopening_still_makes_a_new_version(approved, coordinator):
    services.reopen_minutes(approved, coordinator, "Fel namn")
    approved.refresh_from_db()
    item = approved.agenda_items.get()
    item.notes = "Lugnt i Arlöv och Åkarp."
    item.save()
    Attendance.objects.create(meeting=approved, name="Sen gäst", role="guest")
    services.approve_minutes(approved, coordinator)
    assert approved.minutes_versions.count() == 2


def test_a_partner_adding_an_observation_after_approval_gets_a_clear_message(
    login, company_partner, approved_walk, seat
):
    from councils.models import Membership

    Membership.objects.create(body=approved_walk.body, user=company_partner)
    response = login(company_partner).post(
        reverse(
            "meetings:observation-add", kwargs={"municipality": "burlov", "pk": approved_walk.pk}
        ),
        {"place": "Torget", "category": "litter", "description": "Skräp"},
        follow=True,
    )
    assert response.status_code == 200
    assert "inga fler iakttagelser kan registreras" in response.content.decode()
    assert approved_walk.observations.count() == 1


def test_an_observation_of_an_approved_walk_is_resolved_but_not_changed(approved_walk):
    observation = approved_walk.observations.get()
    Observation.objects.filter(pk=observation.pk).update(status=Observation.Status.RESOLVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(description="Inget")
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.bulk_create(
            [
                Observation(
                    municipality=approved_walk.municipality,
                    meeting=approved_walk,
                    place="Torget",
                    category="litter",
                    description="Skräp",
                )
            ]
        )


def test_making_an_action_item_of_an_approved_walk_is_refused_politely(
    login, coordinator, approved_walk, municipal_admin_org
):
    observation = approved_walk.observations.get()
    response = login(coordinator).post(
        reverse(
            "meetings:observation-action",
            kwargs={"municipality": "burlov", "pk": approved_walk.pk, "obs_pk": observation.pk},
        ),
        {"owner_organisation": municipal_admin_org.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "ingen åtgärd kan läggas till" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_emptying_a_link_to_a_deleted_row_is_still_allowed(approved):
    """Foreign keys emptied when their target goes (SET NULL: a person, an organisation) do not
    make that deletion fail; pointing them elsewhere is refused."""
    action = approved.action_items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=action.pk).update(owner=User.objects.create(username="annan"))
    ActionItem.objects.filter(pk=action.pk).update(owner=None)
    attendance = approved.attendances.first()
    Attendance.objects.filter(pk=attendance.pk).update(via_share_link=None)


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser("operator", "op@example.org", "x-secret-123")
    client.force_login(user)
    return client


def test_the_admin_shows_attendance_of_approved_minutes_read_only_and_answers_no_500(
    operator, approved
):
    attendance = approved.attendances.first()
    url = reverse("admin:meetings_attendance_change", args=[attendance.pk])
    page = operator.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    response = operator.post(url, {"status": "absent", "role": "member", "name": ""})
    assert response.status_code == 403
    delete = reverse("admin:meetings_attendance_delete", args=[attendance.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 403
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PRESENT


def test_the_admin_refuses_a_new_attendance_row_for_approved_minutes(operator, approved):
    response = operator.post(
        reverse("admin:meetings_attendance_add"),
        {"meeting": approved.pk, "name": "Efterhand", "role": "guest", "status": "present"},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "official record" in response.content.decode() or "allmän" in (response.content.decode())
    assert approved.attendances.count() == 1


def test_the_admin_lets_an_action_item_of_approved_minutes_be_followed_up_only(operator, approved):
    action = approved.action_items.get()
    url = reverse("admin:meetings_actionitem_change", args=[action.pk])
    page = operator.get(url).content.decode()
    assert 'name="status"' in page and 'name="what"' not in page
    response = operator.post(url, {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE and action.what == "Kontakta fastighetsägaren"
    delete = reverse("admin:meetings_actionitem_delete", args=[action.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 403


def test_the_admin_shows_observations_of_an_approved_walk_read_only(operator, approved_walk):
    observation = approved_walk.observations.get()
    url = reverse("admin:meetings_observation_change", args=[observation.pk])
    page = operator.get(url).content.decode()
    assert 'name="description"' not in page
    operator.post(url, {"status": "resolved", "description": "Inget"})
    observation.refresh_from_db()
    assert observation.description == "Två lampor trasiga"

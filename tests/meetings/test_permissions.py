"""A body's chair, vice chair and secretary run that body's meetings; the chair approves."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import Membership
from meetings import services
from meetings.models import Attendance, Meeting
from meetings.permissions import can_approve_minutes, can_run_meeting
from tests.factories import make_user
from trygghet import access

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"municipality": "burlov", **kwargs})


def seat_for(body, role, municipal_admin_org, username, burlov, **dates):
    user = make_user(username, burlov, access.MEMBER, municipal_admin_org)
    Membership.objects.create(body=body, user=user, role=role, **dates)
    return user


@pytest.fixture
def secretary(body, burlov, municipal_admin_org):
    return seat_for(body, Membership.Role.SECRETARY, municipal_admin_org, "burlov.sekr", burlov)


@pytest.fixture
def chair(body, burlov, municipal_admin_org):
    return seat_for(body, Membership.Role.CHAIR, municipal_admin_org, "burlov.ordf", burlov)


@pytest.fixture
def meeting(make_meeting, seat, secretary, chair):
    meeting = make_meeting()
    services.add_item(meeting, title="Läget i området")
    return meeting


def _membership(user):
    return user.municipality_memberships.get()


def test_the_secretary_edits_the_agenda(login, secretary, meeting):
    client = login(secretary)
    item = meeting.agenda_items.get(title="Läget i området")
    response = client.get(url("meeting-detail", pk=meeting.pk))
    assert response.status_code == 200
    assert response.context["can_edit_agenda"] is True
    # An agenda not yet sent is current on opening: no refill button until it is sent.
    assert url("agenda-fill", pk=meeting.pk) not in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=timezone.now())
    response = client.get(url("meeting-detail", pk=meeting.pk))
    assert url("agenda-fill", pk=meeting.pk) in response.content.decode()
    # Cancel, move and share links stay with the managers: not offered on the page.
    assert url("meeting-cancel", pk=meeting.pk) not in response.content.decode()
    assert url("meeting-share-links", pk=meeting.pk) not in response.content.decode()

    response = client.post(
        url("agenda-item-add", pk=meeting.pk), {"title": "Nattvandring", "minutes_allotted": 10}
    )
    assert response.status_code == 302
    added = meeting.agenda_items.get(title="Nattvandring")
    response = client.post(
        url("agenda-item-edit", pk=meeting.pk, item_pk=added.pk),
        {"title": "Nattvandring i centrum", "minutes_allotted": 15},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.title == "Nattvandring i centrum"
    assert (
        client.post(
            url("agenda-item-move", pk=meeting.pk, item_pk=added.pk), {"direction": "up"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("agenda-item-shareable", pk=meeting.pk, item_pk=item.pk), {"shareable": "0"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.shareable is False
    ids = [str(i) for i in meeting.agenda_items.order_by("-position").values_list("pk", flat=True)]
    assert client.post(url("agenda-reorder", pk=meeting.pk), {"order": ids}).status_code == 302
    assert client.post(url("agenda-fill", pk=meeting.pk)).status_code == 302
    assert (
        client.post(url("agenda-item-delete", pk=meeting.pk, item_pk=added.pk)).status_code == 302
    )
    assert not meeting.agenda_items.filter(pk=added.pk).exists()
    assert client.post(url("meeting-publish", pk=meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_PUBLISHED


def test_the_secretary_records_attendance_writes_minutes_and_marks_held(
    login, secretary, member, meeting
):
    client = login(secretary)
    row = meeting.attendances.get(user=member)
    response = client.get(url("attendance", pk=meeting.pk))
    assert response.status_code == 200
    response = client.post(url("attendance", pk=meeting.pk), {f"status-{row.pk}": "present"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Attendance.Status.PRESENT

    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    item = meeting.agenda_items.get(title="Läget i området")
    page = url("minutes", pk=meeting.pk)
    response = client.get(page)
    assert response.context["can_edit"] is True
    assert response.context["can_approve"] is False
    assert url("minutes-approve", pk=meeting.pk) not in response.content.decode()
    data = {f"item-{i.pk}-notes": "" for i in meeting.agenda_items.all()} | {
        f"item-{item.pk}-notes": "Lugnt i området.",
        f"item-{item.pk}-decisions": "Fortsätt.",
    }
    assert client.post(page, data).status_code == 302
    item.refresh_from_db()
    assert item.notes == "Lugnt i området."
    response = client.post(
        page, {"add_action": "1", "action-what": "Ring polisen", "action-owner": member.pk}
    )
    assert response.status_code == 302
    assert meeting.action_items.filter(what="Ring polisen").exists()


def test_the_secretary_may_not_approve_cancel_move_or_share(login, secretary, meeting):
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    client = login(secretary)
    assert client.post(url("minutes-approve", pk=meeting.pk)).status_code == 403
    assert client.post(url("minutes-reopen", pk=meeting.pk), {"reason": "x"}).status_code == 403
    for name in ["meeting-cancel", "meeting-edit", "meeting-share-links"]:
        assert client.get(url(name, pk=meeting.pk)).status_code == 403, name
    assert client.post(url("meeting-cancel", pk=meeting.pk), {"reason": "x"}).status_code == 403
    assert client.get(url("meeting-create")).status_code == 403
    assert client.get(url("series-create")).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert not meeting.minutes_versions.exists()


def test_the_chair_approves_the_minutes(login, chair, meeting):
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    client = login(chair)
    response = client.get(url("minutes", pk=meeting.pk))
    assert response.context["can_approve"] is True
    assert url("minutes-approve", pk=meeting.pk) in response.content.decode()
    assert client.post(url("minutes-approve", pk=meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    assert meeting.minutes_versions.get().approved_by == chair
    # The chair does not get the managers' share links.
    assert client.get(url("meeting-share-links", pk=meeting.pk)).status_code == 403


def test_the_vice_chair_may_approve(body, burlov, municipal_admin_org, meeting):
    vice = seat_for(body, Membership.Role.VICE_CHAIR, municipal_admin_org, "burlov.vice", burlov)
    membership = _membership(vice)
    assert can_run_meeting(membership, meeting)
    assert can_approve_minutes(membership, meeting)


def test_a_secretary_of_another_body_gets_403_or_404(
    login, other_body, burlov, municipal_admin_org, meeting
):
    stranger = seat_for(
        other_body, Membership.Role.SECRETARY, municipal_admin_org, "burlov.annan", burlov
    )
    client = login(stranger)
    # Not in the body and not invited: the meeting is invisible.
    assert client.get(url("meeting-detail", pk=meeting.pk)).status_code == 404
    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 404
    # Invited as a guest, they see it but may not run it.
    Attendance.objects.create(meeting=meeting, user=stranger, role=Attendance.Role.GUEST)
    response = client.get(url("meeting-detail", pk=meeting.pk))
    assert response.status_code == 200
    assert response.context["can_edit_agenda"] is False
    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 403
    assert client.get(url("attendance", pk=meeting.pk)).status_code == 403
    assert client.post(url("minutes", pk=meeting.pk), {}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_former_secretary_gets_403(login, body, burlov, municipal_admin_org, meeting, member):
    today = timezone.localdate()
    former = seat_for(
        body,
        Membership.Role.SECRETARY,
        municipal_admin_org,
        "burlov.forra",
        burlov,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=1),
    )
    # Still an ordinary member of the body, so the meeting is visible.
    Membership.objects.create(body=body, user=former, role=Membership.Role.MEMBER)
    client = login(former)
    assert client.get(url("meeting-detail", pk=meeting.pk)).status_code == 200
    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 403
    assert client.post(url("agenda-fill", pk=meeting.pk)).status_code == 403
    assert client.get(url("attendance", pk=meeting.pk)).status_code == 403
    assert not can_run_meeting(_membership(former), meeting)


def test_a_plain_member_and_the_outsider_are_refused(login, member, outsider, meeting):
    client = login(member)
    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 403
    assert client.post(url("minutes-approve", pk=meeting.pk)).status_code == 403
    client = login(outsider)
    for name in ["meeting-held", "agenda-fill", "minutes-approve", "meeting-publish"]:
        assert client.post(url(name, pk=meeting.pk)).status_code == 404, name


def test_managers_still_run_and_approve(login, coordinator, meeting):
    client = login(coordinator)
    response = client.get(url("meeting-detail", pk=meeting.pk))
    assert url("meeting-cancel", pk=meeting.pk) in response.content.decode()
    assert url("meeting-share-links", pk=meeting.pk) in response.content.decode()
    assert client.post(url("meeting-held", pk=meeting.pk)).status_code == 302
    assert client.post(url("minutes-approve", pk=meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVED


def test_the_officer_seat_costs_one_query(secretary, meeting, django_assert_num_queries):
    membership = _membership(secretary)
    with django_assert_num_queries(1):
        assert can_run_meeting(membership, meeting)
        assert not can_approve_minutes(membership, meeting)

"""Who may open which meeting page: anonymous -> login, outsider -> 404, wrong role -> 403."""

import pytest
from django.urls import reverse

from councils.models import Membership
from meetings.models import Attendance, Meeting
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"municipality": "burlov", **kwargs})


@pytest.fixture
def meeting(make_meeting, seat):
    return make_meeting()


# ``member`` sits in the meeting's body; the partners do not: its pages do not exist for them,
# except those only managers may open at all (403 before any meeting is looked up).
NOT_IN_THE_BODY = {"police_partner": 404, "company_partner": 404}


def page(name, obj="meeting", allowed=EVERYONE, **options):
    return Page(f"meetings:{name}", obj=obj, allowed=allowed, **options)


class TestEveryMeetingPage(AccessMatrix):
    pages = [
        page("meeting-list", obj=None),
        page("meeting-detail", statuses=NOT_IN_THE_BODY),
        page("minutes", statuses=NOT_IN_THE_BODY),
        page("meeting-edit", allowed=MANAGERS),
        page("meeting-cancel", allowed=MANAGERS),
        page("attendance", allowed=MANAGERS, statuses=NOT_IN_THE_BODY),
        page("meeting-share-links", allowed=MANAGERS),
        page("agenda-item-add", allowed=MANAGERS, statuses=NOT_IN_THE_BODY),
        page("meeting-publish", allowed=MANAGERS, method="post", ok=302, statuses=NOT_IN_THE_BODY),
    ]

    @pytest.fixture
    def objects(self, meeting):
        return {"meeting": meeting}


def test_a_member_of_the_municipality_outside_the_body_gets_404(login, company_partner, meeting):
    client = login(company_partner)
    assert client.get(url("meeting-detail", pk=meeting.pk)).status_code == 404
    response = client.get(url("meeting-list"))
    assert response.status_code == 200
    assert meeting not in response.context["meetings"]


def test_an_invited_person_sees_the_meeting_without_a_seat(login, police_partner, meeting):
    Attendance.objects.create(meeting=meeting, user=police_partner, role="guest")
    client = login(police_partner)
    assert client.get(url("meeting-detail", pk=meeting.pk)).status_code == 200


def test_a_former_member_no_longer_sees_the_body_meetings(login, member, seat, meeting):
    import datetime

    from django.utils import timezone

    Attendance.objects.filter(meeting=meeting, user=member).delete()
    Membership.objects.filter(pk=seat.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = login(member)
    assert client.get(url("meeting-detail", pk=meeting.pk)).status_code == 404


def test_restrict_gives_managers_all_and_members_their_bodies(
    coordinator, member, meeting, make_meeting, other_body
):
    other = make_meeting(body=other_body, title="Strategiskt råd")
    managers = Meeting.objects.restrict(coordinator.municipality_memberships.get())
    members = Meeting.objects.restrict(member.municipality_memberships.get())
    assert set(managers) == {meeting, other}
    assert list(members) == [meeting]


@pytest.mark.parametrize("size", [3, 12])
def test_the_meeting_list_uses_a_fixed_number_of_queries(
    login, coordinator, make_meeting, django_assert_max_num_queries, size
):
    for _ in range(size):
        make_meeting()
    client = login(coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(url("meeting-list"))
    assert len(response.context["meetings"]) == size


@pytest.mark.parametrize("size", [2, 10])
def test_the_action_list_uses_a_fixed_number_of_queries(
    login, coordinator, make_meeting, django_assert_max_num_queries, size
):
    from meetings import services

    meeting = make_meeting()
    for i in range(size):
        services.add_action_item(meeting, what=f"Åtgärd {i}", owner=coordinator)
    client = login(coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(url("action-list"))
    assert len(response.context["actions"]) == size


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(login, coordinator, body):
    client = login(coordinator)
    with __import__("django").utils.translation.override("en"):
        response = client.post(
            url("meeting-create"),
            {
                "body": body.pk,
                "kind": "meeting",
                "title": "Extra möte",
                "start": "2026-12-01T10:00",
                "end": "2026-12-01T09:00",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.filter(title="Extra möte").exists()


def test_the_error_is_shown_in_swedish(login, coordinator, body):
    client = login(coordinator)
    response = client.post(
        url("meeting-create"),
        {
            "body": body.pk,
            "kind": "meeting",
            "title": "X",
            "start": "2026-12-01T10:00",
            "end": "2026-12-01T09:00",
        },
    )
    assert "Mötet måste sluta efter att det börjar." in response.content.decode()

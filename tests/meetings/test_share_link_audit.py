"""Share links in the audit trail: created, revoked and each valid opening make exactly one
event; a refused opening (revoked, expired) stays in the link's own log only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from meetings import services
from meetings.models import ShareLink
from tests.admin_helpers import admin_form_data
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(title="Örat mot marken v. 12")


def share_links_page(meeting):
    return reverse(
        "meetings:meeting-share-links", kwargs={"municipality": "burlov", "pk": meeting.pk}
    )


def create_in_the_pages(client, meeting, label="Räddningstjänsten Syd"):
    expires_on = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        share_links_page(meeting), {"label": label, "expires_on": expires_on.isoformat()}
    )
    token = response.context["new_url"].rstrip("/").rsplit("/", 1)[-1]
    return ShareLink.objects.get(label=label), token


def share_url(token):
    return reverse("meetings_public:share", kwargs={"token": token})


def test_creating_a_link_is_recorded(login, coordinator, meeting):
    link, _token = create_in_the_pages(login(coordinator), meeting)
    (event,) = AuditEvent.objects.all()
    assert event.action == Action.SHARE_LINK_CREATED
    assert (event.actor, event.municipality_id) == (coordinator, meeting.municipality_id)
    assert (event.object_type, event.object_id) == ("meetings.sharelink", str(link.pk))
    assert event.object_label == f"Räddningstjänsten Syd – {meeting}"
    assert event.old == {}
    assert event.new["label"] == "Räddningstjänsten Syd"
    assert event.new["shows"] == str(meeting)
    assert parse_datetime(event.new["expires_at"]) == link.expires_at
    assert event.client_address == "127.0.0.1"


def test_revoking_a_link_is_recorded_once(login, coordinator, meeting):
    client = login(coordinator)
    link, _token = create_in_the_pages(client, meeting)
    revoke = reverse(
        "meetings:share-link-revoke", kwargs={"municipality": "burlov", "link_pk": link.pk}
    )
    client.post(revoke)
    client.post(revoke)  # already revoked: nothing changes, nothing is recorded
    (event,) = AuditEvent.objects.filter(action=Action.SHARE_LINK_REVOKED)
    link.refresh_from_db()
    assert event.actor == coordinator
    assert event.old == {"revoked_at": None}
    assert event.new["revoked_at"] is not None


def test_each_valid_opening_is_recorded_with_the_guests_address(client, coordinator, meeting):
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=2),
        meeting=meeting,
    )
    client.get(share_url(token), HTTP_USER_AGENT="Firefox", REMOTE_ADDR="198.51.100.4")
    client.get(share_url(token), REMOTE_ADDR="198.51.100.5")
    openings = AuditEvent.objects.filter(action=Action.SHARE_LINK_OPENED).order_by("pk")
    assert [e.client_address for e in openings] == ["198.51.100.4", "198.51.100.5"]
    assert openings[0].actor is None
    assert openings[0].new == {"user_agent": "Firefox"}
    assert {e.object_id for e in openings} == {str(link.pk)}


def test_a_refused_opening_is_not_an_audit_event(client, coordinator, meeting):
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=2),
        meeting=meeting,
    )
    services.revoke_share_link(link)
    assert client.get(share_url(token)).status_code == 410
    assert not AuditEvent.objects.filter(action=Action.SHARE_LINK_OPENED).exists()


def test_the_admins_see_share_link_events_on_their_page(login, admin_user, coordinator, meeting):
    create_in_the_pages(login(coordinator), meeting)
    page = login(admin_user).get(reverse("audit-trail", kwargs={"municipality": "burlov"}))
    assert "Räddningstjänsten Syd" in page.content.decode()


def test_an_operator_giving_a_link_more_time_in_the_admin_is_recorded(
    client, django_user_model, coordinator, meeting
):
    link, _token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=2),
        meeting=meeting,
    )
    operator = django_user_model.objects.create_superuser("drift", "drift@example.org", "x")
    client.force_login(operator)
    page = reverse("admin:meetings_sharelink_change", args=[link.pk])
    data = admin_form_data(client.get(page))
    later = timezone.localtime(link.expires_at + datetime.timedelta(days=30))
    data["expires_at_0"] = later.date().isoformat()
    response = client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    (event,) = AuditEvent.objects.filter(action=Action.SHARE_LINK_CHANGED)
    assert event.actor == operator
    assert list(event.new) == ["expires_at"]
    assert event.new["expires_at"].startswith(later.date().isoformat())

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Attendance, ShareLink, ShareLinkOpening

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(make_meeting, coordinator):
    meeting = make_meeting(place="Kommunhuset, Arlöv")
    services.add_item(meeting, title="Läget i Arlöv centrum")
    services.add_item(meeting, title="Orosanmälan om en namngiven person", shareable=False)
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Räddningstjänsten Syd",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    return meeting, link, token


def share_url(token):
    return reverse("meetings_public:share", kwargs={"token": token})


def test_the_token_is_long_random_and_stored_only_as_a_hash(shared):
    _, link, token = shared
    assert len(token) >= 43  # 32 bytes = 256 bits, base64url
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = ShareLink.objects.filter(pk=link.pk).values_list(flat=True)
    assert all(
        token not in str(value) for value in ShareLink.objects.values().get(pk=link.pk).values()
    )
    assert stored


def test_a_guest_sees_only_the_shareable_items_and_the_page_is_not_indexed(client, shared):
    meeting, link, token = shared
    response = client.get(share_url(token))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Läget i Arlöv centrum" in body
    assert "Orosanmälan" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex' in body
    assert ShareLinkOpening.objects.filter(link=link, outcome="shown").count() == 1


def test_a_guest_says_they_will_attend(client, shared):
    meeting, link, token = shared
    response = client.post(
        share_url(token),
        {"name": "Anna Räddare", "organisation": "Räddningstjänsten Syd", "attending": "yes"},
    )
    assert response.status_code == 200
    guest = meeting.attendances.get(name="Anna Räddare")
    assert guest.role == Attendance.Role.GUEST
    assert guest.status == Attendance.Status.ATTENDING
    assert guest.via_share_link == link
    # Answering again changes the answer, not the number of guests.
    client.post(
        share_url(token),
        {"name": "Anna Räddare", "organisation": "Räddningstjänsten Syd", "attending": "no"},
    )
    assert meeting.attendances.filter(name="Anna Räddare").count() == 1
    assert meeting.attendances.get(name="Anna Räddare").status == "not_attending"


def test_an_incomplete_answer_is_refused_and_nothing_is_saved(client, shared):
    meeting, _, token = shared
    response = client.post(share_url(token), {"name": "", "organisation": "", "attending": "yes"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not meeting.attendances.filter(role="guest").exists()


def test_a_revoked_link_shows_a_clear_page_without_agenda_data(client, shared):
    meeting, link, token = shared
    services.revoke_share_link(link)
    response = client.get(share_url(token))
    body = response.content.decode()
    assert response.status_code == 410
    assert "Läget i Arlöv centrum" not in body and "Kommunhuset" not in body
    assert response.context["reason"] == "revoked"
    assert not ShareLinkOpening.objects.filter(link=link).exists()  # only valid openings
    assert (
        client.post(
            share_url(token), {"name": "X", "organisation": "Y", "attending": "yes"}
        ).status_code
        == 410
    )


def test_an_expired_link_shows_a_clear_page(client, shared):
    _, link, token = shared
    ShareLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(share_url(token))
    assert response.status_code == 410
    assert response.context["reason"] == "expired"


def test_an_unknown_token_answers_404(client, shared):
    assert client.get(share_url("x" * 43)).status_code == 404


def test_a_series_link_shows_the_next_meeting(client, make_series, coordinator):
    series = make_series(start_date=timezone.localdate() + datetime.timedelta(days=1))
    services.generate_meetings(weeks=5, series=[series])
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=30),
        series=series,
    )
    response = client.get(share_url(token))
    assert response.context["meeting"] == series.meetings.order_by("start").first()
    assert "Mötet öppnas" in response.content.decode()


def test_the_coordinator_creates_and_revokes_a_link_in_the_pages(
    login, coordinator, shared, client
):
    meeting = shared[0]
    client = login(coordinator)
    page = reverse(
        "meetings:meeting-share-links", kwargs={"municipality": "burlov", "pk": meeting.pk}
    )
    response = client.post(
        page,
        {
            "label": "Polisen LPO",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    new_url = response.context["new_url"]
    link = ShareLink.objects.get(label="Polisen LPO")
    assert link.expires_at.date() >= timezone.localdate()
    token = new_url.rstrip("/").rsplit("/", 1)[-1]
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    client.post(
        reverse("meetings:share-link-revoke", kwargs={"municipality": "burlov", "link_pk": link.pk})
    )
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_past_expiry_date_is_refused(login, coordinator, shared):
    client = login(coordinator)
    page = reverse(
        "meetings:meeting-share-links", kwargs={"municipality": "burlov", "pk": shared[0].pk}
    )
    response = client.post(page, {"label": "Polisen", "expires_on": "2020-01-01"})
    assert response.context["form"].errors["expires_on"]
    assert not ShareLink.objects.filter(label="Polisen").exists()


def test_members_cannot_make_share_links(login, member, seat, shared):
    client = login(member)
    page = reverse(
        "meetings:meeting-share-links", kwargs={"municipality": "burlov", "pk": shared[0].pk}
    )
    assert client.post(page, {"label": "X", "expires_on": "2030-01-01"}).status_code == 403

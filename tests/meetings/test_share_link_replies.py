"""Issue 9, finding 8: a guest's answer through a share link belongs to that guest.

Before: anyone with the link overwrote another guest's answer by typing the same name, and 100
replies in a second made 100 guests, who all ended up in the minutes' attendance.
Now each answer is tied to the guest who gave it (a per-guest token in a cookie scoped to the
link), one answer per guest, and replies are rate-limited per link and per client address.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Attendance, ShareLink, ShareLinkOpening
from tests.trygghet.test_settings import run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(make_meeting, coordinator):
    meeting = make_meeting()
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Räddningstjänsten Syd",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    return meeting, link, token


def share_url(token):
    return reverse("meetings_public:share", kwargs={"token": token})


def answer(client, token, name, attending, organisation="Räddningstjänsten Syd", **extra):
    return client.post(
        share_url(token),
        {"name": name, "organisation": organisation, "attending": attending},
        **extra,
    )


def guests(meeting):
    return list(meeting.attendances.filter(role=Attendance.Role.GUEST).order_by("pk"))


def test_a_guest_who_answers_again_changes_only_their_own_answer(shared):
    meeting, link, token = shared
    anna = Client()
    answer(anna, token, "Anna Räddare", "yes")
    answer(Client(), token, "Bertil Brand", "yes")
    answer(anna, token, "Anna Räddare", "no")
    assert [(g.name, g.status) for g in guests(meeting)] == [
        ("Anna Räddare", Attendance.Status.NOT_ATTENDING),
        ("Bertil Brand", Attendance.Status.ATTENDING),
    ]


def test_nobody_overwrites_another_guests_answer_by_typing_their_name(shared):
    meeting, link, token = shared
    answer(Client(), token, "Anna Räddare", "yes")
    response = answer(Client(), token, "anna räddare", "no")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "redan" in response.content.decode()  # "already answered in this name"
    [anna] = guests(meeting)
    assert anna.status == Attendance.Status.ATTENDING


def test_one_answer_per_guest_even_under_another_name(shared):
    meeting, link, token = shared
    guest = Client()
    answer(guest, token, "Anna Räddare", "yes")
    answer(guest, token, "Anna Räddare-Ek", "no")
    [anna] = guests(meeting)
    assert (anna.name, anna.status) == ("Anna Räddare-Ek", Attendance.Status.NOT_ATTENDING)


def test_the_guest_token_is_a_cookie_for_this_link_only_and_stored_hashed(shared):
    meeting, link, token = shared
    response = answer(Client(), token, "Anna Räddare", "yes")
    cookie = response.cookies["trygghet_guest"]
    assert cookie["path"] == share_url(token)
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    [anna] = guests(meeting)
    assert cookie.value not in str(Attendance.objects.filter(pk=anna.pk).values().get())


def test_a_returning_guest_sees_their_answer(shared):
    meeting, link, token = shared
    guest = Client()
    answer(guest, token, "Anna Räddare", "yes")
    form = guest.get(share_url(token)).context["form"]
    assert form.initial == {
        "name": "Anna Räddare",
        "organisation": "Räddningstjänsten Syd",
        "email": "",
        "attending": "yes",
    }


def test_a_flood_of_replies_from_one_address_is_stopped_with_a_clear_page(shared, settings):
    settings.SHARE_LINK_REPLIES_PER_ADDRESS = "5/h"
    meeting, link, token = shared
    statuses = [answer(Client(), token, f"Gäst {n}", "yes").status_code for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    assert len(guests(meeting)) == 5
    page = answer(Client(), token, "Gäst 9", "yes")
    assert "För många svar" in page.content.decode()
    assert "Retry-After" in page
    english = answer(Client(), token, "Gäst 10", "yes", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many answers" in english.content.decode()


def test_replies_through_one_link_are_limited_whatever_their_address(shared, settings):
    settings.SHARE_LINK_REPLIES_PER_LINK = "3/h"
    meeting, link, token = shared
    statuses = [
        answer(Client(), token, f"Gäst {n}", "yes", REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(guests(meeting)) == 3


def test_opening_a_revoked_or_expired_link_writes_no_opening(client, shared):
    meeting, link, token = shared
    services.revoke_share_link(link)
    assert client.get(share_url(token)).status_code == 410
    other, other_token = services.create_share_link(
        created_by=link.created_by,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=1),
        meeting=meeting,
    )
    ShareLink.objects.filter(pk=other.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(share_url(other_token)).status_code == 410
    assert not ShareLinkOpening.objects.exists()


def test_a_rate_that_is_not_a_rate_stops_start_up():
    result = run_manage("check", TESTING="true", SHARE_LINK_REPLIES_PER_LINK="lots")
    assert result.returncode != 0
    assert "SHARE_LINK_REPLIES_PER_LINK" in result.stderr

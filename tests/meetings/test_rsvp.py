"""Issue 12, point 4: members answer their invitation themselves (yes / no / a substitute), from
the meeting page and from the invitation mail (a signed link, one click, no login); a guest
answering through a share link with an invited person's e-mail is not added a second time."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import rsvp, services
from meetings.models import Attendance, Meeting
from tests.factories import MembershipFactory
from trygghet.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(make_meeting, seat):
    return make_meeting(title="Örat mot marken")


@pytest.fixture
def invitation(meeting, member):
    return meeting.attendances.get(user=member)


def answer_page(meeting):
    return reverse(
        "meetings:meeting-rsvp",
        kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk},
    )


def post_answer(client, meeting, answer, substitute=""):
    return client.post(answer_page(meeting), {"answer": answer, "substitute": substitute})


# --- On the meeting page ----------------------------------------------------------------------


def test_a_member_sees_their_invitation_and_answers_yes(login, meeting, member, invitation):
    client = login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Ditt svar" in page and "Du har inte svarat än." in page
    response = post_answer(client, meeting, "yes")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.ATTENDING
    assert invitation.responded_at is not None
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Du har svarat: kommer." in page


def test_a_member_sends_a_named_substitute_and_changes_to_no(login, meeting, member, invitation):
    client = login(member)
    post_answer(client, meeting, "substitute", "  Lisa Ersättare ")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.substitute_name) == (
        Attendance.Status.SUBSTITUTE,
        "Lisa Ersättare",
    )
    assert (
        "skickar ersättare: Lisa Ersättare"
        in client.get(meeting.get_absolute_url()).content.decode()
    )
    post_answer(client, meeting, "no")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.substitute_name) == (
        Attendance.Status.NOT_ATTENDING,
        "",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "maybe"},
        {"answer": ""},
        {"answer": "substitute", "substitute": "x" * 201},
        {"answer": "substitute", "substitute": "Lisa\x00"},
        {},
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_changes_nothing(
    login, meeting, member, invitation, data
):
    client = login(member)
    response = client.post(answer_page(meeting), data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED


def test_someone_not_invited_cannot_answer(login, meeting, coordinator):
    response = post_answer(login(coordinator), meeting, "yes")
    assert response.status_code == 404
    assert not meeting.attendances.filter(user=coordinator).exists()


def test_another_municipality_gets_404(login, meeting, outsider, invitation):
    response = post_answer(login(outsider), meeting, "yes")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED


def test_answering_needs_a_post_and_a_login(client, login, meeting, member):
    assert client.post(answer_page(meeting), {"answer": "yes"}).status_code == 302  # to login
    assert login(member).get(answer_page(meeting)).status_code == 405


def test_a_held_meeting_can_no_longer_be_answered(login, meeting, member, invitation):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    client = login(member)
    assert "Ja, jag kommer" not in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(answer_page(meeting), {"answer": "yes"}, follow=True)
    assert "kan inte längre ändras" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED


# --- From the mail ------------------------------------------------------------------------------


def mail_links(message):
    return dict(
        zip(
            ["yes", "no", "substitute"],
            re.findall(r"http://\S+/answer/\S+/(?:yes|no|substitute)/", message.body),
            strict=True,
        )
    )


def path_of(url):
    return urlsplit(url).path


@pytest.fixture
def published(meeting, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(meeting)
    return meeting


def test_the_agenda_mail_carries_one_answer_link_per_answer(published, member):
    [message] = [m for m in mail.outbox if member.email in m.to]
    links = mail_links(message)
    assert links["yes"].endswith("/yes/") and links["no"].endswith("/no/")
    assert "Ja, jag kommer" in message.body and "Skicka ersättare" in message.body


def test_one_click_in_the_mail_saves_the_answer_without_login_again_and_again(
    published, member, invitation
):
    links = mail_links(next(m for m in mail.outbox if member.email in m.to))
    guest = Client()
    for _ in range(2):  # idempotent: the second click saves the same answer
        response = guest.get(path_of(links["no"]))
        assert response.status_code == 200
        assert "ditt svar är sparat: kommer inte" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Attendance.Status.NOT_ATTENDING
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Attendance.objects.filter(meeting=published).count() == 1  # no second row


def test_the_substitute_link_asks_for_a_name_then_saves(published, member, invitation):
    links = mail_links(next(m for m in mail.outbox if member.email in m.to))
    client = Client()
    page = client.get(path_of(links["substitute"]))
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED  # nothing saved before the name
    assert "Ersättarens namn" in page.content.decode()
    client.post(path_of(links["substitute"]), {"answer": "substitute", "substitute": "Lisa"})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.substitute_name) == ("substitute", "Lisa")


def test_a_tampered_or_foreign_link_saves_nothing(published, member, invitation, coordinator):
    token = rsvp.token_for(invitation)
    forged = signing.dumps([invitation.pk, coordinator.pk], salt="other")
    for bad in [token[:-2] + "xx", forged, "nonsense", "x" * 5000, token + "\x00"]:
        response = Client().get(f"/answer/{bad}/yes/")
        assert response.status_code in (404,), bad[:20]
    assert Client().get(f"/answer/{token}/maybe/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED


def test_the_link_stops_when_the_meeting_is_held(published, invitation):
    Meeting.objects.filter(pk=published.pk).update(status=Meeting.Status.HELD)
    response = Client().get(path_of(rsvp.answer_url(invitation, "yes")))
    assert response.status_code == 410
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED


# --- Guests who are invited ---------------------------------------------------------------------


@pytest.fixture
def share(meeting, coordinator):
    link, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    return reverse("meetings_public:share", kwargs={"token": token})


@pytest.fixture
def police_seat(meeting, police_partner):
    MembershipFactory(body=meeting.body, user=police_partner)
    services.invite_members(meeting)
    return meeting.attendances.get(user=police_partner)


def guest_post(url, **data):
    fields = {"name": "Polis Testsson", "organisation": "Polisen", "attending": "yes"}
    return Client().post(url, {**fields, **data})


def test_an_invited_person_answering_as_a_guest_is_not_added_twice(
    share, police_seat, police_partner
):
    response = guest_post(share, email=police_partner.email.upper())
    assert response.status_code == 200
    assert "Du står på inbjudningslistan" in response.content.decode()
    meeting = police_seat.meeting
    assert not meeting.attendances.filter(role=Attendance.Role.GUEST).exists()
    # Anyone holding the share link could type the address: the person confirms by mail.
    police_seat.refresh_from_db()
    assert police_seat.status == Attendance.Status.INVITED
    [row] = OutgoingEmail.objects.filter(key=f"rsvp-confirm:{police_seat.pk}:yes")
    assert row.recipient == police_partner.email
    link = re.search(r"http://\S+/answer/\S+/yes/", row.body).group(0)
    Client().get(path_of(link))
    police_seat.refresh_from_db()
    assert police_seat.status == Attendance.Status.ATTENDING
    # Answering again does not mail again.
    guest_post(share, email=police_partner.email)
    assert OutgoingEmail.objects.filter(key__startswith="rsvp-confirm:").count() == 1


def test_a_guest_with_only_an_invited_persons_name_is_asked_for_the_address(
    share, police_seat, police_partner
):
    response = guest_post(share, name=police_partner.get_full_name().lower())
    assert response.context["form"].errors["email"]
    assert not police_seat.meeting.attendances.filter(role=Attendance.Role.GUEST).exists()


def test_a_guest_who_is_not_invited_is_kept_with_their_address(share, meeting):
    guest_post(share, name="Anna Räddare", email="anna@rsyd.se")
    [guest] = meeting.attendances.filter(role=Attendance.Role.GUEST)
    assert (guest.name, guest.email) == ("Anna Räddare", "anna@rsyd.se")
    # Another browser with the same address does not make a second guest.
    response = guest_post(share, name="A. Räddare", email="ANNA@rsyd.se")
    assert response.context["form"].errors
    assert meeting.attendances.filter(role=Attendance.Role.GUEST).count() == 1


def test_a_malformed_guest_address_is_refused(share, meeting):
    response = guest_post(share, name="Anna", email="anna@@x")
    assert response.context["form"].errors["email"]
    assert not meeting.attendances.filter(role=Attendance.Role.GUEST).exists()


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "member", "police_partner", "company_partner"]
)
def test_every_role_seated_in_the_body_answers_their_own_invitation_only(
    login, users_by_role, meeting, invitation, role
):
    person = users_by_role[role]
    if person != invitation.user:
        MembershipFactory(body=meeting.body, user=person)
        services.invite_members(meeting)
    client = login(person)
    assert post_answer(client, meeting, "no").status_code == 302
    assert meeting.attendances.get(user=person).status == Attendance.Status.NOT_ATTENDING
    if person != invitation.user:
        invitation.refresh_from_db()
        assert invitation.status == Attendance.Status.INVITED  # nobody answers for another


def test_a_bad_post_to_the_mail_link_says_so_and_saves_nothing(published, invitation):
    url = path_of(rsvp.answer_url(invitation, "yes"))
    response = Client().post(url, {"answer": "maybe"})
    assert response.status_code == 200
    assert "Välj ja, nej eller ersättare." in response.content.decode()
    response = Client().post(
        path_of(rsvp.answer_url(invitation, "substitute")),
        {"answer": "substitute", "substitute": "x" * 300},
    )
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Attendance.Status.INVITED

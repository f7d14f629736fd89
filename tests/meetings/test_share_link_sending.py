"""Issue 12, point 10: a share link is sent to named recipients by e-mail (through the outbox),
and the share page offers the meeting as a calendar file."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting, ShareLink
from trygghet.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(title="Örat mot marken", place="Kommunhuset, Arlöv")


def links_page(meeting):
    return reverse(
        "meetings:meeting-share-links",
        kwargs={"municipality": meeting.municipality.slug, "pk": meeting.pk},
    )


def create(client, meeting, recipients=""):
    return client.post(
        links_page(meeting),
        {
            "label": "Räddningstjänsten Syd",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "recipients": recipients,
        },
    )


def test_the_new_link_is_mailed_to_each_named_recipient_once(login, coordinator, meeting):
    client = login(coordinator)
    response = create(client, meeting, "anna@rsyd.se, bertil@polisen.se\nANNA@rsyd.se")
    assert response.status_code == 200
    new_url = response.context["new_url"]
    rows = OutgoingEmail.objects.filter(key=f"share-link:{ShareLink.objects.get().pk}")
    assert sorted(r.recipient for r in rows) == ["anna@rsyd.se", "bertil@polisen.se"]
    for row in rows:
        assert new_url in row.body
        assert "Örat mot marken" in row.subject
        assert "till och med" in row.body  # says how long it works
    assert "skickad med e-post till 2 mottagare" in response.content.decode()


@pytest.mark.parametrize(
    "recipients, message",
    [
        ("anna@rsyd.se, inte-en-adress", "”inte-en-adress” är ingen e-postadress."),
        ("a@b.se\x00", "Null-tecken är inte tillåtna."),
        (",".join(f"p{n}@x.se" for n in range(31)), "högst 30 adresser"),
        ("x" * 6000, "som mest 5000 tecken"),
    ],
)
def test_bad_recipients_are_refused_and_no_link_is_made(
    login, coordinator, meeting, recipients, message
):
    response = create(login(coordinator), meeting, recipients)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_without_recipients_nothing_is_mailed(login, coordinator, meeting):
    create(login(coordinator), meeting)
    assert ShareLink.objects.count() == 1
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("role", ["member", "police_partner", "company_partner"])
def test_only_planners_make_and_send_links(login, users_by_role, meeting, role):
    response = create(login(users_by_role[role]), meeting, "anna@rsyd.se")
    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()


def test_another_municipality_gets_404(login, outsider, meeting):
    assert create(login(outsider), meeting, "anna@rsyd.se").status_code == 404
    assert not OutgoingEmail.objects.exists()


def test_the_page_has_a_copy_button_for_the_new_link(login, coordinator, meeting):
    body = create(login(coordinator), meeting).content.decode()
    assert 'data-copy="#new-share-url"' in body
    assert "Kopiera länken" in body
    assert "meetings/copy" in body


# --- The calendar file on the share page -----------------------------------------------------


@pytest.fixture
def token(meeting, coordinator):
    _, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    return token


def test_the_share_page_offers_the_meeting_as_a_calendar_file(client, meeting, token):
    page = client.get(reverse("meetings_public:share", kwargs={"token": token})).content.decode()
    ics_url = reverse("meetings_public:share-ics", kwargs={"token": token})
    assert f'href="{ics_url}"' in page
    response = client.get(ics_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Örat mot marken"
    assert str(event["location"]) == "Kommunhuset, Arlöv"
    # A guest cannot log in: the event links to the share page, not the members' page.
    assert str(event["url"]).endswith(reverse("meetings_public:share", kwargs={"token": token}))


def test_a_revoked_or_unknown_link_has_no_calendar_file(client, meeting, token):
    ics_url = reverse("meetings_public:share-ics", kwargs={"token": token})
    services.revoke_share_link(ShareLink.objects.get())
    assert client.get(ics_url).status_code == 404
    assert client.get("/share/" + "x" * 43 + "/meeting.ics").status_code == 404


def test_one_wording_for_items_guests_see(login, coordinator, meeting):
    services.add_item(meeting, title="Orosanmälan", shareable=False)
    body = login(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert "dold för gäster" in body and "Visa för gäster" in body
    assert "Synlig för gäster" in body  # the add-item form's checkbox
    assert not re.search(r"delas inte|Dela inte|får visas på delade sidor", body)


def test_guests_see_the_content_of_the_items_meant_for_them_by_default(client, demo_world):
    """The defaults per kind of item: a share page shows the open action items, the new
    incidents (open figures only), what is coming and the series' items, with their content;
    the lägesbild item is hidden from guests (a share-link visitor is anonymous); an item added
    by hand is visible."""
    world = demo_world()
    meeting = (
        Meeting.objects.filter(
            municipality__slug="burlov", body__name="Örat mot marken", start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    services.add_item(meeting, title="Räddningstjänsten informerar", description="Eldningsförbud")
    coordinator = world.user("burlov.samordnare")
    _, token = services.create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    page = client.get(reverse("meetings_public:share", kwargs={"token": token}))
    body = page.content.decode()
    items = {i.source_key.split(":")[0] or "manual": i for i in meeting.agenda_items.all()}
    assert {"actions", "incidents", "manual"} <= set(items)
    for kind, item in items.items():
        if kind == "situation_report" or not item.description:
            continue
        assert item.shareable, kind
        assert item.title in body, kind
        first_line = item.description.splitlines()[0]
        assert escape(first_line) in body, kind
        restricted = (item.restricted_description or first_line).splitlines()[0]
        if restricted != first_line:
            assert escape(restricted) not in body, kind
    report = items["situation_report"]
    assert not report.shareable
    assert "Lägesbild" not in body

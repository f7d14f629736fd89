"""Issue 12, points 4 and 10 in the browser: a member answers their invitation on the meeting
page and from the mail; a coordinator copies a share link and sends it by e-mail; a guest who is
an invited person is not added twice, and takes the meeting into their calendar."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from meetings import rsvp
from meetings.models import Attendance, Meeting
from trygghet.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def next_burlov_meeting():
    return (
        Meeting.objects.filter(
            municipality__slug="burlov", body__name="Örat mot marken", start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )


def test_a_member_answers_on_the_meeting_page_and_from_the_mail_link(
    page, browser, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    meeting = next_burlov_meeting()
    member = Attendance.objects.filter(meeting=meeting, user__isnull=False).select_related("user")[
        0
    ]
    username = member.user.username
    login_as(page, username, DEMO_PASSWORD)
    page.goto(base_url + meeting.get_absolute_url())
    card = page.get_by_role("region", name="Ditt svar")
    expect(card).to_contain_text("Du har inte svarat än.")
    assert_accessible(page)

    card.get_by_role("button", name="Ja, jag kommer").click()
    expect(page.get_by_text("Ditt svar är sparat: kommer.")).to_be_visible()
    expect(card).to_contain_text("Du har svarat: kommer.")
    expect(card.get_by_role("button", name="Ja, jag kommer")).to_have_attribute(
        "aria-pressed", "true"
    )

    card.get_by_label("Ersättarens namn (frivilligt)").fill("Lisa Ersättare")
    card.get_by_role("button", name="Skicka ersättare").click()
    expect(card).to_contain_text("Du har svarat: skickar ersättare: Lisa Ersättare.")
    expect(page.get_by_role("region", name="Närvaro")).to_contain_text(
        "skickar ersättare: Lisa Ersättare"
    )
    screenshot(page, "meeting-my-answer")

    # On a phone the card fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # From the mail, in a browser that is not logged in: one click says no.
    member.refresh_from_db()
    no_link = rsvp.answer_url(member, rsvp.NO).replace(
        re.match(r"https?://[^/]+", rsvp.answer_url(member, rsvp.NO)).group(0), base_url
    )
    stranger = browser.new_context(locale="sv-SE").new_page()
    stranger.goto(no_link)
    expect(stranger.locator("[data-answer-saved]")).to_contain_text(
        "ditt svar är sparat: kommer inte"
    )
    assert_accessible(stranger)
    screenshot(stranger, "answer-from-mail")
    stranger.goto(no_link)  # twice: the same answer, no error
    expect(stranger.locator("[data-answer-saved]")).to_contain_text("kommer inte")
    member.refresh_from_db()
    assert member.status == Attendance.Status.NOT_ATTENDING
    assert Attendance.objects.filter(meeting=meeting, user=member.user).count() == 1
    stranger.context.close()

    page.reload()
    expect(page.get_by_role("region", name="Ditt svar")).to_contain_text(
        "Du har svarat: kommer inte."
    )


def test_a_coordinator_copies_and_mails_a_link_and_an_invited_guest_is_not_doubled(
    page, browser, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    meeting = next_burlov_meeting()
    invited = (
        Attendance.objects.filter(meeting=meeting, user__username="burlov.kommunpolis")
        .select_related("user")
        .get()
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(base_url + meeting.get_absolute_url())
    page.get_by_role("link", name="Delningslänkar").click()
    page.get_by_label("För vem").fill("Polisen LPO Kävlinge")
    page.get_by_label("Skicka länken med e-post till").fill(
        f"{invited.user.email}, styrkeledare@rsyd.se"
    )
    page.get_by_role("button", name="Skapa länken").click()
    expect(page.get_by_text("skickad med e-post till 2 mottagare")).to_be_visible()
    share_url = page.locator("#new-share-url").input_value()

    page.get_by_role("button", name="Kopiera länken").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Kopierad")
    assert page.evaluate("navigator.clipboard.readText()") == share_url
    assert_accessible(page)
    screenshot(page, "share-link-copied")
    mailed = OutgoingEmail.objects.filter(key__startswith="share-link:")
    assert sorted(m.recipient for m in mailed) == sorted(
        [invited.user.email, "styrkeledare@rsyd.se"]
    )
    assert all(share_url in m.body for m in mailed)

    # The police officer opens the mailed link: the items meant for guests, with their content.
    guest_context = browser.new_context(locale="sv-SE", accept_downloads=True)
    guest = guest_context.new_page()
    guest.goto(share_url)
    expect(guest.locator("main")).to_contain_text("Uppföljning av öppna åtgärder")
    expect(guest.locator("main")).to_contain_text("Ta fram karta över platser")

    # The calendar file.
    with guest.expect_download() as download:
        guest.get_by_role("link", name=re.compile("kalender")).click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Örat mot marken" in ics
    assert "/share/" in ics  # links back to the share page, not to a login

    # Answering as a guest with the invitation's address: no second person.
    guest.get_by_label("Ditt namn").fill(invited.user.get_full_name())
    guest.get_by_label("Din organisation").fill("Polisen")
    guest.get_by_label("Din e-postadress").fill(invited.user.email)
    guest.get_by_label("Ja, jag kommer").check()
    guest.get_by_role("button", name="Skicka svaret").click()
    expect(guest.locator("[data-confirmation-sent]")).to_contain_text(
        f"Vi har skickat en länk till {invited.user.email}"
    )
    assert_accessible(guest)
    screenshot(guest, "shared-agenda-invited-guest")
    assert not Attendance.objects.filter(meeting=meeting, role=Attendance.Role.GUEST).exists()
    confirmation = OutgoingEmail.objects.get(key=f"rsvp-confirm:{invited.pk}:yes")
    link = re.search(r"https?://\S+/answer/\S+/yes/", confirmation.body).group(0)
    guest.goto(re.sub(r"^https?://[^/]+", base_url, link))
    expect(guest.locator("[data-answer-saved]")).to_contain_text("kommer")
    invited.refresh_from_db()
    assert invited.status == Attendance.Status.ATTENDING
    guest_context.close()

    page.goto(base_url + meeting.get_absolute_url())
    attendance = page.get_by_role("region", name="Närvaro")
    expect(attendance).to_contain_text(invited.user.get_full_name())
    assert attendance.get_by_text(invited.user.get_full_name()).count() == 1

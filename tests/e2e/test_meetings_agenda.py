"""The Burlöv coordinator prepares the next Örat mot marken meeting and shares its agenda."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from meetings.models import Meeting

pytestmark = pytest.mark.django_db(transaction=True)


def next_burlov_meeting():
    return (
        Meeting.objects.filter(
            municipality__slug="burlov", body__name="Örat mot marken", start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )


def agenda_titles(page):
    return [t.strip() for t in page.locator("#agenda li.agenda-item h3").all_inner_texts()]


def test_coordinator_fills_reorders_publishes_and_shares_an_agenda(
    page, browser, base_url, login_as, assert_accessible, screenshot, eager_celery, demo_world
):
    # eager_celery: the publish e-mail runs in the live server's thread instead of waiting
    # for a worker (tests/meetings/test_worker.py runs a real one).
    demo_world()
    meeting = next_burlov_meeting()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)

    page.goto(f"{base_url}/burlov/meetings/")
    expect(page.get_by_role("heading", level=1, name="Möten")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "meetings-list")
    page.locator(f'a[href="{meeting.get_absolute_url()}"]').first.click()
    expect(page.get_by_role("heading", level=1, name="Örat mot marken")).to_be_visible()

    # The agenda filled itself: the series' items and the open action items of earlier meetings.
    expect(page.locator("#agenda")).to_contain_text("Uppföljning av öppna åtgärder")
    expect(page.locator("#agenda")).to_contain_text(
        "Ta fram karta över platser med nedsläckt belysning"
    )
    expect(page.locator("#agenda")).to_contain_text("Blicka framåt: evenemang, lov och helger")

    # Add an item.
    add = page.get_by_role("region", name="Lägg till en punkt")
    add.get_by_label("Titel").fill("Information från räddningstjänsten")
    add.get_by_label("Tid (minuter)").fill("10")
    add.get_by_role("button", name="Lägg till på dagordningen").click()
    expect(page.get_by_text("Punkten är tillagd på dagordningen.")).to_be_visible()
    titles = agenda_titles(page)
    assert titles[-1] == "Information från räddningstjänsten"

    # Reorder by keyboard: the move-up button (htmx) and the live region says where it went.
    up = page.get_by_role("button", name="Flytta Information från räddningstjänsten upp")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-status")).to_have_text(
        re.compile(r"”Information från räddningstjänsten” är nu punkt \d+ av \d+\.")
    )
    new_titles = agenda_titles(page)
    assert new_titles.index("Information från räddningstjänsten") == len(titles) - 2

    # Reorder by drag: move the last item to the top, once the re-rendered agenda can be
    # dragged (SortableJS marks its list when it has taken it over).
    expect(page.locator("#agenda ol[data-sortable-ready]")).to_be_attached()
    items = page.locator("#agenda ol[data-sortable-ready] > li[data-id]")
    dragged_id = items.last.get_attribute("data-id")
    handles = page.locator("#agenda .drag-handle")
    page.set_viewport_size({"width": 1280, "height": 1600})  # both ends of the drag on screen
    handles.first.scroll_into_view_if_needed()
    source, target = handles.last.bounding_box(), handles.first.bounding_box()
    page.mouse.move(source["x"] + 4, source["y"] + 4)
    page.mouse.down()
    page.mouse.move(source["x"] + 4, source["y"] - 10, steps=5)
    page.mouse.move(target["x"] + 4, target["y"] + 2, steps=20)
    # SortableJS (fallback mode) works out where the item goes on a timer of its own, every
    # 50 ms: let go only once it has put the item at the top, never after a fixed time (the
    # drag that once failed on a busy machine let go before that tick).
    expect(items.first).to_have_attribute("data-id", dragged_id)
    page.mouse.up()
    expect(page.locator("#agenda-status")).to_have_text("Dagordningens ordning är sparad.")
    dragged = agenda_titles(page)
    assert dragged[0] == new_titles[-1]
    page.set_viewport_size({"width": 1280, "height": 900})
    assert (
        list(Meeting.objects.get(pk=meeting.pk).agenda_items.values_list("title", flat=True))
        == dragged
    )

    # Mark one item not shareable.
    page.get_by_role("button", name="Dölj för gäster: Övriga frågor").click()
    expect(page.locator("#agenda-status")).to_have_text("”Övriga frågor” är dold för gäster.")
    expect(
        page.locator("#item-" + str(meeting.agenda_items.get(title="Övriga frågor").pk))
    ).to_contain_text("dold för gäster")
    page.mouse.move(0, 0)  # no hover state under axe (reduced motion: no transitions)
    assert_accessible(page)
    screenshot(page, "meeting-agenda")

    # Publish.
    page.get_by_role("button", name="Publicera dagordningen").click()
    expect(page.get_by_text("Dagordningen är publicerad.")).to_be_visible()
    expect(page.locator(".badge", has_text="Dagordning publicerad")).to_be_visible()

    # Create a share link.
    page.get_by_role("link", name="Delningslänkar").click()
    page.get_by_label("För vem").fill("Räddningstjänsten Syd, styrkeledare")
    page.get_by_role("button", name="Skapa länken").click()
    share_url = page.locator("#new-share-url").input_value()
    assert "/share/" in share_url
    assert_accessible(page)
    screenshot(page, "meeting-share-links")

    # A fresh browser without a login sees only the shareable items.
    guest_context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    guest = guest_context.new_page()
    guest.goto(share_url)
    expect(guest.get_by_role("heading", level=1, name="Örat mot marken")).to_be_visible()
    expect(guest.locator("main")).to_contain_text("Information från räddningstjänsten")
    expect(guest.locator("main")).to_contain_text("Uppföljning av öppna åtgärder")
    expect(guest.locator("main")).not_to_contain_text("Övriga frågor")
    assert guest.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    guest.get_by_label("Ditt namn").fill("Anna Räddare")
    guest.get_by_label("Din organisation").fill("Räddningstjänsten Syd")
    guest.get_by_label("Ja, jag kommer").check()
    guest.get_by_role("button", name="Skicka svaret").click()
    expect(guest.get_by_text("Tack, Anna Räddare: ditt svar är sparat.")).to_be_visible()
    assert_accessible(guest)
    screenshot(guest, "shared-agenda")

    # The coordinator revokes the link; the same guest context now gets the "revoked" page.
    page.get_by_role("button", name=re.compile("Återkalla")).click()
    expect(page.get_by_text("Delningslänken är återkallad")).to_be_visible()
    guest.goto(share_url)
    expect(guest.get_by_role("heading", level=1, name="Länken har återkallats")).to_be_visible()
    expect(guest.locator("main")).not_to_contain_text("Information från räddningstjänsten")
    expect(guest.locator("main")).not_to_contain_text("Örat mot marken")
    assert_accessible(guest)
    screenshot(guest, "shared-agenda-revoked")
    guest_context.close()


def test_minutes_pages_are_accessible(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    approved = Meeting.objects.filter(
        municipality__slug="burlov", status=Meeting.Status.MINUTES_APPROVED
    ).first()
    held = Meeting.objects.filter(municipality__slug="burlov", status=Meeting.Status.HELD).first()

    page.goto(f"{base_url}{approved.get_absolute_url()}minutes/")
    expect(page.get_by_text("Protokollet är justerat och en allmän handling")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "minutes-approved")

    page.goto(f"{base_url}{held.get_absolute_url()}minutes/")
    expect(page.get_by_role("button", name="Justera protokollet")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "minutes-draft")

    page.goto(f"{base_url}{held.get_absolute_url()}attendance/")
    assert_accessible(page)
    screenshot(page, "minutes-attendance")


def test_safety_walk_and_series_pages_are_accessible(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    login_as(page, "eslov.samordnare", DEMO_PASSWORD)
    walk = Meeting.objects.get(kind="safety_walk")
    page.goto(f"{base_url}{walk.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Iakttagelser")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Funktionsrätt Eslöv")
    assert_accessible(page)
    screenshot(page, "safety-walk")
    for path, name in [
        ("/eslov/meetings/series/", "series-list"),
        ("/eslov/meetings/calendar/", "calendar"),
        ("/eslov/meetings/actions/", "action-list"),
    ]:
        page.goto(f"{base_url}{path}")
        assert_accessible(page)
        screenshot(page, name)


def incident_count(page):
    """The number of the agenda's "N händelser/incidents" line of the incidents item."""
    item = page.locator(
        "#agenda li.agenda-item", has_text=re.compile("Nya händelser|New incidents")
    )
    text = item.locator(".agenda-description").inner_text()
    return int(re.match(r"(\d+) ", text).group(1))


def test_the_agenda_is_current_when_opened_and_a_sent_one_shows_what_changed(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    """Issue 12, points 1, 5 and 9: incidents logged after the agenda was filled are counted
    as soon as it is opened (no "refill" pressed), "Blicka framåt" lists what comes before the
    next meeting, data items come before "Övriga frågor", the texts follow the language, and a
    published agenda keeps what was sent with the change beside it."""
    from situation_reports.models import UpcomingEvent
    from tests.factories import IncidentFactory

    world = demo_world()
    meeting = next_burlov_meeting()
    UpcomingEvent.objects.create(
        municipality=world.burlov,
        title="Marknad på Arlövs torg",
        starts_on=timezone.localtime(meeting.start).date(),
        kind=UpcomingEvent.Kind.EVENT,
    )
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}{meeting.get_absolute_url()}")
    expect(page.locator("#agenda-figures-as-of")).to_contain_text("Siffror per")
    before = incident_count(page)

    def log_incidents(n):
        for _ in range(n):
            IncidentFactory(
                municipality=world.burlov,
                started_at=timezone.now() - datetime.timedelta(minutes=5),
            )

    log_incidents(3)
    page.reload()
    assert incident_count(page) == before + 3

    ahead = page.locator("#agenda li.agenda-item", has_text="Blicka framåt")
    expect(ahead).to_have_count(1)
    expect(ahead).to_contain_text("Marknad på Arlövs torg")
    titles = agenda_titles(page)
    assert titles.index("Övriga frågor") > titles.index("Nya händelser sedan förra mötet")
    expect(page.locator("#agenda-time")).to_contain_text("Planerad tid:")
    assert_accessible(page)

    # In English the generated texts are English; the data (event names) stays as written.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=2, name="Agenda")).to_be_visible()
    expect(page.locator("#agenda")).to_contain_text("New incidents since the last meeting")
    expect(page.locator("#agenda")).to_contain_text(f"{before + 3} incidents")
    expect(page.locator("#agenda")).not_to_contain_text("Nya händelser")
    expect(page.locator("#agenda-figures-as-of")).to_contain_text("Figures as of")
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=2, name="Dagordning")).to_be_visible()

    # Published, the agenda is what was sent; what happened since is shown beside it.
    page.get_by_role("button", name="Publicera dagordningen").click()
    expect(page.get_by_text("Dagordningen är publicerad.")).to_be_visible()
    log_incidents(2)
    page.reload()
    expect(page.locator("#agenda-figures-as-of")).to_contain_text("Dagordningen som den skickades")
    assert incident_count(page) == before + 3
    change = page.locator("#agenda .agenda-change")
    expect(change).to_contain_text("Ändrat sedan dagordningen skickades:")
    expect(change).to_contain_text(f"{before + 5} händelser")
    assert_accessible(page)
    screenshot(page, "agenda-changed-since-sent")

    # At phone width the agenda, with its change notes, fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(change).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "agenda-changed-since-sent-phone")

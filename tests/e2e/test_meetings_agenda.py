"""The Burlöv coordinator prepares the next Örat mot marken meeting and shares its agenda."""

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

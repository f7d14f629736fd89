"""Issue 17 in the browser: Burlövs Bostäder's demo partner finds "Mina bevakningar" in the
user menu, sees the demo's subscription, adds one for changed meetings, pauses it (htmx) and
removes it; the page passes axe and fits 390 px. The one-click link of a mail, opened in the
browser, asks before it stops anything."""

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import User
from trygghet import alerts
from trygghet.models import Subscription

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = "document.documentElement.scrollWidth"


def test_a_partner_manages_their_subscriptions(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    partner = User.objects.get(username="burlov.partner")
    demo = Subscription.objects.get(user=partner)
    assert {a.name for a in demo.areas.all()} == {"Arlöv", "Sunnanå"}

    login_as(page, "burlov.partner", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    page.get_by_role("button", name=str(partner)).click()
    page.get_by_role("link", name="Mina bevakningar").click()
    expect(page.get_by_role("heading", level=1, name="Mina bevakningar")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Nya händelser")).to_be_visible()
    expect(page.get_by_role("cell", name="Arlöv, Sunnanå")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ny bevakning").click()
    # A partner from a private company: no restricted incident, and only its areas offered.
    expect(page.get_by_label("Löberöd")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Ändrade eller inställda möten").check()
    page.get_by_label("Direkt").check()
    page.get_by_role("button", name="Spara bevakningen").click()
    expect(page.get_by_text("Bevakningen sparades.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ändrade eller inställda möten")
    expect(row).to_contain_text("direkt")
    added = Subscription.objects.get(user=partner, kind="meeting_changes")

    row.get_by_role("button", name="Pausa").click()
    expect(row).to_contain_text("pausad")
    added.refresh_from_db()
    assert not added.is_active
    assert_accessible(page)
    screenshot(page, "subscriptions-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(WIDTH) <= 390
    assert_accessible(page)
    screenshot(page, "subscriptions-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("row").filter(has_text="Ändrade eller inställda möten").get_by_role(
        "button", name="Ta bort"
    ).click()
    expect(page.get_by_text("Bevakningen togs bort.")).to_be_visible()
    assert not Subscription.objects.filter(pk=added.pk).exists()


def test_the_unsubscribe_link_asks_then_stops(page, base_url, assert_accessible, demo_world):
    demo_world()
    partner = User.objects.get(username="burlov.partner")
    subscription = Subscription.objects.get(user=partner)
    token = alerts.unsubscribe_token(partner.pk, [subscription.pk])
    page.goto(f"{base_url}/accounts/unsubscribe/{token}/")
    expect(page.get_by_role("heading", name="Stoppa de här mejlen")).to_be_visible()
    assert_accessible(page)
    subscription.refresh_from_db()
    assert subscription.is_active  # opening the link changes nothing
    page.get_by_role("button", name="Stoppa de här mejlen").click()
    expect(page.get_by_text("Klart: du får inga fler av de här mejlen.")).to_be_visible()
    assert_accessible(page)
    subscription.refresh_from_db()
    assert not subscription.is_active

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_logs_in_switches_language_and_logs_out(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])

    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login")

    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    expect(page).to_have_url(f"{base_url}/burlov/")
    expect(page.get_by_role("heading", level=1, name="Burlöv")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "burlov-start-sv")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("You are signed in as coordinator.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    screenshot(page, "burlov-start-en")

    page.get_by_role("button", name="Sara Nilsson").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{base_url}/accounts/login/")
    page.goto(f"{base_url}/burlov/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/burlov/")


def test_skip_link_moves_focus_to_main(page, base_url, login_as, demo_world):
    demo_world(only=["councils"])
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

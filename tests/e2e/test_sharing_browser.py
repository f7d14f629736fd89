"""Issue 15, sharing in Chromium: LPO Kävlinge's officer opens the regional page of the demo and
sees Burlöv beside its neighbours that share, on a wide screen and a phone; Burlöv's admin
shares with Kävlinge and stops again; Burlöv's coordinator reads the lägesbild Eslöv shares.
Every page passes axe, in Swedish and in English."""

import re

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_lpo_kavlinge_sees_burlov_beside_its_neighbours(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(page, "burlov.lpo", DEMO_PASSWORD)
    page.get_by_role("button", name="Erik Strand").click()
    page.get_by_role("link", name="Regional sida").click()
    expect(page.get_by_role("heading", name="Regional sida", level=1)).to_be_visible()
    table = page.locator("#region-table")
    for name in ("Burlöv", "Eslöv", "Kävlinge", "Lomma"):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(page.locator("#about-regional")).to_contain_text("aldrig från begränsade")
    expect(page.locator("#region-categories")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "region-lpo-kavlinge-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot(page, "region-lpo-kavlinge-390")

    page.locator("#region-table").get_by_role("link", name="Lomma", exact=True).click()
    expect(page.get_by_role("heading", name="Lomma", level=1)).to_be_visible()
    expect(page.locator("#municipality-categories")).to_be_visible()
    assert_accessible(page)


def test_an_admin_shares_with_a_neighbour_and_stops(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(page, "burlov.admin", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/sharing/")
    expect(page.get_by_role("heading", name="Delning med andra", level=1)).to_be_visible()
    rows = page.locator("#sharings tbody tr")
    expect(rows).to_have_count(2)  # the demo: LPO Kävlinge and Eslöv
    page.get_by_label("en grannkommun").check()
    page.get_by_label("Kommun", exact=True).select_option(label="Kävlinge")
    page.get_by_role("button", name="Dela", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Kommunen delar nu med Kävlinge")
    expect(rows).to_have_count(3)
    assert_accessible(page)
    screenshot(page, "sharing-burlov-admin")
    page.get_by_role("button", name="Sluta dela Kävlinge").click()
    expect(page.locator(".alert-success")).to_contain_text("Inget delas längre med Kävlinge")
    expect(rows).to_have_count(2)
    page.goto(f"{base_url}/burlov/audit/")
    expect(page.locator("main table").first).to_contain_text(
        re.compile("delning med andra avslutad", re.IGNORECASE)
    )


def test_burlov_reads_the_lagesbild_eslov_shares_in_english_too(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/shared/")
    page.locator("#shared-reports a").first.click()
    expect(page.locator("#shared-notice")).to_contain_text("Delad av Eslöv med Burlöv")
    expect(page.locator("main form")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "shared-lagesbild-eslov-in-burlov")
    page.goto(f"{base_url}/region/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Regional page", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "region-burlov-coordinator-en")

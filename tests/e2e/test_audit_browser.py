"""The audit trail in the browser: the Burlöv admin changes a person's organisation and reads
the change in the trail, reached from the user menu. The page passes axe-core (WCAG 2.1 AA)."""

import re

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def open_user_menu_link(page, name):
    page.locator("header .dropdown-toggle").last.click()
    page.get_by_role("link", name=name, exact=True).click()


def test_the_admin_reads_a_change_of_organisation_in_the_trail(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    login_as(page, "burlov.admin", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/people/")
    page.get_by_role("row").filter(has_text="Burlövs Bostäder").first.get_by_role("link").click()
    page.get_by_label("Organisation").select_option(label="Polisen, lokalpolisområde Kävlinge")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringarna har sparats.")).to_be_visible()

    open_user_menu_link(page, "Granskningslogg")
    expect(page.get_by_role("heading", level=1, name="Granskningslogg")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Persons organisation ändrad")
    expect(row).to_contain_text("Burlövs Bostäder")
    expect(row).to_contain_text("Polisen, lokalpolisområde Kävlinge")
    # "→" is read out as "till" (to) by screen readers.
    expect(row).to_contain_text(re.compile(r"Läser begränsade händelser:\s*nej\s*→\s*till\s+ja"))
    assert_accessible(page)
    screenshot(page, "audit-trail")

    page.get_by_label("Vad").select_option(label="Roll ändrad")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("Ingen loggpost matchar filtret.")).to_be_visible()
    assert_accessible(page)

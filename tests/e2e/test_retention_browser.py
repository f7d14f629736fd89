"""Issue 17, retention (gallring) in Chromium: Burlöv's admin finds the demo's retention
decision in the menu, reads the dry run and logs one, records a new version (an archival rule
without its confirmation is refused first); a coordinator is refused the page. Every page
passes axe and fits a phone's 390 px."""

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import RetentionDecision, RetentionRun

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_admin_reads_the_dry_run_and_records_a_new_version(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(page, "burlov.admin", DEMO_PASSWORD)
    page.get_by_role("button", name="Anders").click()
    page.get_by_role("link", name="Gallring").click()
    expect(page.get_by_role("heading", name="Gallring", level=1)).to_be_visible()
    expect(page.locator("#retention-decision")).to_contain_text("KS 2025/412")
    plan = page.locator("#retention-plan tbody tr")
    expect(plan).to_have_count(4)  # the demo's four rules
    expect(plan.first).to_contain_text("händelser")
    expect(page.locator("#retention-runs")).to_contain_text("Inga körningar än.")
    assert_accessible(page)
    screenshot(page, "retention-admin-1366")

    page.get_by_role("button", name="Logga en provkörning").click()
    expect(page.locator(".alert-success")).to_contain_text("Inget ändrades")
    expect(page.locator("#retention-runs tbody tr")).to_have_count(4)
    expect(page.locator("#retention-runs")).to_contain_text("provkörning")
    assert RetentionRun.objects.filter(dry_run=True).count() == 4
    fits_a_phone(page)
    assert_accessible(page)
    screenshot(page, "retention-admin-390")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Registrera en ny version").click()
    expect(page.get_by_role("heading", name="Gallringsbeslut", level=1)).to_be_visible()
    page.get_by_label("Händelser: bevaras i (månader)", exact=True).fill("48")
    page.get_by_label("Protokoll: bevaras i (månader)", exact=True).fill("120")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator("#retention-form")).to_contain_text(
        "Bekräfta att dokumenthanteringsplanen gallrar"
    )
    assert_accessible(page)
    page.get_by_label("Dokumenthanteringsplanen gallrar protokoll").check()
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".alert-success")).to_contain_text("Gallringsbeslutet är registrerat")
    expect(page.locator("#retention-decision")).to_contain_text("version 2")
    expect(page.locator("#retention-versions > li")).to_have_count(2)
    expect(page.locator("#retention-plan")).to_contain_text("aldrig av applikationen")
    burlov = RetentionDecision.objects.filter(municipality__slug="burlov")
    assert sorted(burlov.values_list("version", flat=True)) == [1, 2]
    page.get_by_role("link", name="Registrera en ny version").click()
    fits_a_phone(page)
    assert_accessible(page)
    screenshot(page, "retention-form-390")


def test_a_coordinator_is_refused_the_page(page, base_url, login_as, demo_world):
    demo_world()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/")
    menu = page.locator(".dropdown-menu a")
    expect(menu.filter(has_text="Personer")).to_have_count(1)  # the managers' menu
    expect(menu.filter(has_text="Gallring")).to_have_count(0)
    response = page.goto(f"{base_url}/burlov/retention/")
    assert response.status == 403

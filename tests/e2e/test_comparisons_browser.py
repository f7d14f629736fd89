"""Issue 13, comparisons in Chromium: a member of Burlöv opens Jämförelser from the incident
pages of the demo (all 290 municipalities' police events counted), reads the honest note about
the data, picks a year and an event type, and sees Burlöv's rate against Skåne and Sweden; the
page fits a phone and passes axe. A coordinator of Eslöv gets 404."""

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import PoliceEventCount, ReferencePopulation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def rate(place=None, **filters):
    """The rate as the page shows it, from the stored counts and populations."""
    people = ReferencePopulation.objects.all()
    if place:
        filters = {**filters, **place}
        people = people.filter(**place)
    count = PoliceEventCount.objects.filter(**filters).aggregate(n=Sum("count"))["n"] or 0
    total = people.aggregate(n=Sum("population"))["n"]
    return f"{1000 * count / total:.2f}".replace(".", ",")


def test_a_member_compares_burlov_with_the_county_and_the_country(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world()
    assert PoliceEventCount.objects.filter(municipality__code="1231").exists()
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, "burlov.ledamot", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/")
    page.get_by_role("link", name="Jämförelser").click()
    expect(page.get_by_role("heading", name="Jämförelser", level=1)).to_be_visible()
    expect(page.locator("#about-the-data")).to_contain_text("inte statistik över anmälda brott")
    expect(page.locator("#about-the-data")).to_contain_text("Befolkningen är ungefärlig")

    page.get_by_label("År").select_option("2024")
    page.get_by_label("Händelsetyp").select_option("Brand")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(f"{base_url}/burlov/comparisons/?year=2024&type=Brand")
    table = page.locator("#comparison-table")
    expect(table.locator("caption")).to_contain_text("2024: Burlöv, Skåne län och Sverige")
    row = table.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Brand")
    cells = row.locator("td")
    brand = {"year": 2024, "event_type": "Brand"}
    expect(cells.nth(1)).to_have_text(rate({"municipality__code": "1231"}, **brand))
    expect(cells.nth(2)).to_have_text(rate({"municipality__county_code": "12"}, **brand))
    expect(cells.nth(3)).to_have_text(rate(**brand))

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot(page, "comparisons-burlov-2024-brand")


def test_a_coordinator_of_eslov_gets_404_for_burlovs_comparisons(
    page, base_url, login_as, demo_world
):
    demo_world()
    login_as(page, "eslov.samordnare", DEMO_PASSWORD)
    response = page.goto(f"{base_url}/burlov/comparisons/")
    assert response.status == 404
    response = page.goto(f"{base_url}/eslov/comparisons/")
    assert response.status == 200
    expect(page.locator("#comparison-table caption")).to_contain_text("Eslöv, Skåne län")

"""The Burlöv coordinator reads the indicator series of the demo, adds a value, imports a file
(a bad row first: nothing saved), and a member reads without the forms; on a phone too."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.demo import seed_indicators
from situation_reports.models import IndicatorValue

pytestmark = pytest.mark.django_db(transaction=True)

UNSAFE = "Andel som känner sig otrygga utomhus en sen kväll i sitt bostadsområde"
WIDTH = "document.documentElement.scrollWidth"


def test_the_coordinator_keeps_indicator_series(
    page, base_url, login_as, assert_accessible, screenshot, demo_world, tmp_path
):
    world = demo_world(only=["councils"])
    today = timezone.localdate()
    assert seed_indicators(world.burlov, today) > 0
    this_year = today.year

    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/indicators/")
    expect(page.get_by_role("heading", level=1, name="Indikatorer")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=UNSAFE)
    expect(row).to_contain_text("demovärde")
    expect(row).to_contain_text(str(this_year - 1))
    assert_accessible(page)
    screenshot(page, "indicators-list")

    # The series page: the demo values over time, labelled as demo values.
    row.get_by_role("link", name=UNSAFE).click()
    expect(page.get_by_role("heading", level=1, name=UNSAFE)).to_be_visible()
    expect(page.get_by_text("Några värden är demovärden")).to_be_visible()
    table = page.locator("#indicator-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("25,5")  # not 25,500
    expect(page.locator("svg.report-chart")).to_be_visible()
    assert_accessible(page)

    # A wrong number gets a message; a right one is added to the table.
    page.get_by_role("textbox", name="Period").fill(str(this_year))
    page.get_by_role("textbox", name="Värde").fill("många")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_text("”många” är inte ett tal.")).to_be_visible()
    page.get_by_role("textbox", name="Värde").fill("21,5")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text(f"Värdet för {this_year} sparades.")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table.locator("tbody tr").last).to_contain_text("21,5")

    # The import: a file with a bad row saves nothing; the corrected file is imported.
    before = IndicatorValue.objects.count()
    bad = tmp_path / "varden.csv"
    bad.write_text(
        f"mått;enhet;period;värde\nbrand-byggnad;antal;{this_year - 1};12\n"
        f"brand-byggnad;procent;{this_year - 2};9\n",
        encoding="utf-8",
    )
    page.goto(f"{base_url}/burlov/indicators/import/")
    page.get_by_label("CSV- eller Excelfil").set_input_files(str(bad))
    page.get_by_role("button", name="Granska filen").click()
    expect(page.get_by_role("alert")).to_contain_text("1 rad har fel")
    expect(
        page.get_by_text("Enheten procent stämmer inte med måttets enhet, antal.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Importera 2 värden")).to_have_count(0)
    assert_accessible(page)
    assert IndicatorValue.objects.count() == before

    good = tmp_path / "varden-rattade.csv"
    good.write_text(
        f"mått;enhet;period;värde\nbrand-byggnad;antal;{this_year - 1};12\n"
        f"brand-byggnad;antal;{this_year - 2};9\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Välj en annan fil").click()
    page.get_by_label("CSV- eller Excelfil").set_input_files(str(good))
    page.get_by_role("button", name="Granska filen").click()
    page.get_by_role("button", name="Importera 2 värden").click()
    expect(page.get_by_text("2 värden importerades från varden-rattade.csv.")).to_be_visible()
    building = page.get_by_role("row").filter(has_text="brand i byggnad")
    expect(building).to_contain_text("12")
    assert IndicatorValue.objects.count() == before + 2

    # A member reads on a phone: no forms, nothing wider than the screen.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, "burlov.ledamot", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/indicators/")
    expect(page.get_by_role("link", name="Lägg till ett mått")).to_have_count(0)
    assert page.evaluate(WIDTH) <= 390
    page.get_by_role("link", name=UNSAFE).click()
    expect(page.locator("#indicator-table tbody tr")).to_have_count(5)
    expect(page.get_by_role("button", name="Lägg till", exact=True)).to_have_count(0)
    assert page.evaluate(WIDTH) <= 390
    screenshot(page, "indicators-series-phone")

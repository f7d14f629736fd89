"""The Eslöv coordinator logs a weekend's incidents by keyboard, filters, maps and exports."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import Incident
from situation_reports.services.categories import ensure_default_categories

pytestmark = pytest.mark.django_db(transaction=True)


def type_into(page, label, text):
    page.get_by_label(label, exact=False).first.focus()
    page.keyboard.type(text)


def press(page, button_name):
    page.get_by_role("button", name=button_name, exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def saved(page, *words):
    """Waits for the next form, saying that this incident was saved. The incident form is sent
    by the page's script (issue 16): the next page comes after the key press has returned, so
    the state of that page is what is waited for (its message, and the keyboard on its first
    field: its script has run)."""
    message = page.locator(".messages .alert-success")
    for word in ("sparades", *words):
        expect(message).to_contain_text(word)
    expect(page.get_by_label("Kategori")).to_be_focused()


def test_the_eslov_coordinator_logs_filters_maps_and_exports(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    ensure_default_categories()
    login_as(page, "eslov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/eslov/incidents/new/")
    expect(page.get_by_role("heading", level=1, name="Registrera händelse")).to_be_visible()
    # The first field has the keyboard: type the category at once.
    expect(page.get_by_label("Kategori")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "incidents-form")

    # 1: graffiti in Löberöd, "save and log another"
    page.keyboard.type("Klotter")
    type_into(page, "Område", "Löberöd")
    type_into(page, "Plats", "Busshållplatsen")
    type_into(page, "Beskrivning", "Nytt klotter på busskuren.")
    press(page, "Spara och registrera nästa")
    saved(page, "Klotter", "Löberöd")
    # the last area used is proposed
    expect(page.get_by_label("Område")).to_have_value(str(Incident.objects.get().area_id))

    # 2: refused for a personal identity number, then corrected
    page.keyboard.type("Skadegörelse")
    type_into(page, "Plats", "Skolan")
    type_into(page, "Beskrivning", "Ruta krossad av 811218-9876.")
    press(page, "Spara och registrera nästa")
    errors = page.locator("#form-errors")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("personnummer")
    assert_accessible(page)
    screenshot(page, "incidents-form-refused")
    assert Incident.objects.count() == 1
    page.get_by_label("Beskrivning").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Ruta krossad på skolans gavel.")
    press(page, "Spara och registrera nästa")
    saved(page, "Skadegörelse")

    # 3: a fire, saved with Enter in the place field
    page.keyboard.type("Brand")
    type_into(page, "Område", "Eslöv tätort")
    type_into(page, "Beskrivning", "Containerbrand vid återvinningen.")
    type_into(page, "Plats", "Återvinningsstationen")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/eslov/incidents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brand")
    assert Incident.objects.count() == 3

    # Filter the list by category, by keyboard
    page.goto(f"{base_url}/eslov/incidents/")
    expect(page.get_by_text("3 händelser")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kategori").focus()
    page.keyboard.type("Klotter")
    press(page, "Filtrera")
    expect(page.get_by_text("1 händelse")).to_be_visible()
    assert "category=" in page.url
    screenshot(page, "incidents-list-filtered")
    assert_accessible(page)

    # The map of the same filter
    page.get_by_role("link", name="Karta").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "category=" in page.url
    expect(page.locator("#incident-map[data-loaded='true']")).to_be_attached()
    # No position given: the incident is counted on its area's outline, not piled on a centre.
    expect(page.locator("#map-status")).to_contain_text("0 av 1 händelser på kartan")
    expect(page.locator("#map-status")).to_contain_text("1 saknar egen position")
    expect(page.locator("#no-tiles")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "incidents-map")

    # The CSV of the same filter
    page.get_by_role("link", name="Lista", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Nytt klotter på busskuren." in content
    assert "Containerbrand" not in content
    assert len(content.strip().splitlines()) == 2


def test_the_other_incident_pages_are_accessible(
    page, base_url, login_as, assert_accessible, screenshot, tmp_path, demo_world
):
    demo_world(only=["councils"])
    ensure_default_categories()
    from councils.models import Area, Municipality, User
    from situation_reports.models import IncidentCategory
    from situation_reports.services.upcoming import generate_calendar

    burlov = Municipality.objects.get(slug="burlov")
    generate_calendar(burlov, 2027)
    incident = Incident.objects.create(
        municipality=burlov,
        occurred_on="2026-05-02",
        part_of_day="evening",
        area=Area.objects.get(municipality=burlov, name="Arlöv"),
        category=IncidentCategory.objects.get(code="violence", municipality=None),
        description="Hot mot personal vid centrum.",
        confidentiality=Incident.Confidentiality.RESTRICTED,
        created_by=User.objects.get(username="burlov.samordnare"),
    )
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    for name, path in [
        ("incidents-detail", incident.get_absolute_url()),
        ("incidents-upcoming", "/burlov/upcoming/"),
        ("incidents-categories", "/burlov/incidents/categories/"),
        ("incidents-import", "/burlov/incidents/import/"),
    ]:
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        screenshot(page, name)
    sheet = tmp_path / "handelser.csv"
    sheet.write_text(
        "datum;tid;kategori;område;beskrivning\n"
        "2026-05-02;22:15;Klotter;Arlöv;Klotter på perrongen\n"
        "2026-05-03;;Klotter;Lund;Fel kommun\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV-fil").set_input_files(str(sheet))
    page.get_by_role("button", name="Granska filen").click()
    expect(page.get_by_text("är inte ett område i Burlöv")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "incidents-import-preview")
    page.get_by_role("button", name="Importera 1 händelse").click()
    expect(page.get_by_text("1 händelser importerades")).to_be_visible()

"""Issue 13 in the browser: Burlöv's coordinator compiles a strategic lägesbild for 2024 owned
by the strategic council (a real worker compiles it; the page follows), writes the analysis,
adds a problem with its cause analysis, sends it for review; the council's chair approves it;
the PDF holds the five sections of 4 § and the problem. Axe on every page; a phone too."""

import subprocess

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import Problem, SituationReport

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = "document.documentElement.scrollWidth"
PROBLEM = "Cykelstölder vid Arlövs station"


def test_a_strategic_lagesbild_is_built_approved_and_printed(
    page, base_url, login_as, assert_accessible, screenshot, start_worker, demo_world, tmp_path
):
    demo_world()
    start_worker()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/strategic/")
    expect(page.get_by_role("heading", level=1, name="Strategiska lägesbilder")).to_be_visible()
    # The demo's approved lägesbild for 2025 is listed.
    expect(page.get_by_role("link", name="Strategisk lägesbild Burlöv 2025")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "strategic-list")

    page.get_by_label("Ägs av").select_option(label="Strategiskt råd")
    page.get_by_label("Ett kalenderår").check()
    page.get_by_label("År", exact=True).fill("2024")
    page.get_by_role("button", name="Sammanställ", exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name="Strategisk lägesbild Burlöv 2024")
    ).to_be_visible()
    # The worker compiles; the page reloads itself when the figures are there.
    expect(page.locator('[data-figure="period-total"]')).to_be_visible(timeout=30_000)
    report = SituationReport.objects.strategic().get(period_start__year=2024)
    for heading in (
        "1. Kartläggning av brottsligheten",
        "2. Konsekvenser",
        "3. Övrig information",
        "4. Analys",
        "5. Slutsatser och prioriteringar",
    ):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_text("inte statistik över anmälda brott").first).to_be_visible()
    assert_accessible(page)

    # The analysis text.
    analysis = page.locator("#section-analysis")
    analysis.get_by_text("Skriv text till avsnittet").click()
    analysis.get_by_label("Text: Analys").fill("Stölderna samlas vid stationen kvällstid.")
    analysis.get_by_role("button", name="Spara texten").click()
    expect(page.get_by_text("Texten är sparad.")).to_be_visible()

    # A problem with its cause analysis, through the form.
    page.get_by_role("link", name="Lägg till ett problem").click()
    expect(page.get_by_role("heading", level=1, name="Lägg till ett problem")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_title").fill(PROBLEM)  # required: its label ends in an asterisk
    page.locator("#id_priority").select_option("high")
    page.locator("#id_description").fill("Återkommande stölder kvällstid.")
    page.get_by_label("Arlöv").check()
    page.get_by_label("Troliga orsaker").fill("Obevakade cykelställ.")
    page.get_by_label("Gärningspersoner").fill("Unga i små grupper.")
    page.get_by_label("Mål och brottsoffer").fill("Olåsta cyklar.")
    page.get_by_label("Platser och situationer").fill("Kvällar under mörka månader.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Problemet är sparat.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=PROBLEM)).to_be_visible()
    assert_accessible(page)
    problem = Problem.objects.get(report=report)
    assert [a.name for a in problem.areas.all()] == ["Arlöv"] and problem.has_cause_analysis

    page.get_by_role("link", name="Problemregister").click()
    expect(page.get_by_role("link", name=PROBLEM)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "problem-register")

    page.goto(f"{base_url}{report.get_absolute_url()}")
    page.get_by_role("button", name="Skicka på granskning").click()
    expect(page.get_by_text("Lägesbilden är skickad på granskning.")).to_be_visible()

    # The council's chair approves.
    page.context.clear_cookies()
    login_as(page, "burlov.kso", DEMO_PASSWORD)
    page.goto(f"{base_url}{report.get_absolute_url()}")
    page.get_by_role("button", name="Fastställ").click()
    expect(page.get_by_text("Lägesbilden är fastställd.")).to_be_visible()
    expect(page.get_by_role("link", name="Lägg till ett problem")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "strategic-detail-1366")
    report.refresh_from_db()
    assert report.is_approved

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()
    path = tmp_path / "lagesbild.pdf"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == "strategisk-lagesbild-burlov-2024-12-31.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    for heading in ("Kartläggning", "Konsekvenser", "Övrig information", "Analys", "Slutsatser"):
        assert heading in text
    assert PROBLEM in text and "Fastställd" in text and "Källor och datum" in text

    # On a phone the page fits the screen (wide tables scroll inside their own box).
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(WIDTH) <= 390
    # The charts keep readable labels: they scroll sideways in their box rather than shrink.
    for chart in page.locator(".chart-scroll > svg").all():
        assert chart.bounding_box()["width"] >= 640
    assert_accessible(page)
    screenshot(page, "strategic-detail-390")

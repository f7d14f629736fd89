"""Wording in the browser (issue 12, points 11 and 12): a series shows its rule in words in the
reader's language and the planned count in the right number; the invite form starts on the
member role; a new seat takes the person's organisation; a goal's source is not repeated; the
lägesbild PDF downloads tagged, in the reader's language and under a name in it."""

import datetime
import re
import subprocess
import zlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Body, MunicipalityMembership
from situation_reports.models import SituationReport

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday(weekday):
    today = timezone.localdate()
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def assert_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_series_reads_as_words_in_swedish_and_english(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    first = next_weekday(3)  # a Thursday
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/meetings/series/")
    page.get_by_role("link", name="Ny serie").click()
    page.get_by_label("Grupp").select_option(label="Beredningsgrupp")
    page.get_by_label("Återkommer").select_option(label="iCalendar-regel (RRULE)")
    page.get_by_label("Första mötet").fill(first.isoformat())
    page.get_by_label("Börjar kl.").fill("09:00")
    page.get_by_label(re.compile(r"icalendar-regel", re.I)).fill("FREQ=WEEKLY;INTERVAL=4;BYDAY=TH")
    # One meeting before the last date: the message says it in the singular.
    page.get_by_label("Sista datum").fill((first + datetime.timedelta(days=20)).isoformat())
    page.get_by_label("Plats").fill("Kommunhuset")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_text("Serien är sparad; 1 nytt möte är planerat.")).to_be_visible()
    recurrence = page.locator("dt", has_text="Återkommer").locator("xpath=following-sibling::dd[1]")
    expect(recurrence).to_contain_text("Var fjärde torsdag")
    screenshot(page, "wording-series-detail")
    assert_accessible(page)
    assert_fits_a_phone(page)

    # The body's page lists the series with its time and place, without " , ".
    page.goto(f"{base_url}/burlov/")
    group = Body.objects.get(municipality__slug="burlov", name="Beredningsgrupp")
    page.goto(f"{base_url}{group.get_absolute_url()}")
    # The panel by its heading: "Möten" in Swedish, "Meetings" in English.
    panel = page.get_by_role("region", name=re.compile("^(Möten|Meetings)$"))
    expect(panel).to_contain_text("Var fjärde torsdag 09:00, Kommunhuset")
    assert " ," not in panel.inner_text()

    page.get_by_role("button", name="English").click()
    expect(panel).to_contain_text("Every fourth Thursday 09:00, Kommunhuset")
    page.goto(f"{base_url}/burlov/meetings/series/")
    row = page.get_by_role("row").filter(has_text="Beredningsgrupp")
    expect(row.first).to_contain_text("Every fourth Thursday")
    expect(page.get_by_text("FREQ=WEEKLY")).to_have_count(0)
    assert_accessible(page)


def test_the_invite_form_starts_on_member_and_a_seat_takes_the_persons_organisation(
    page, base_url, login_as, assert_accessible, demo_world
):
    demo_world(only=["councils"])
    login_as(page, "burlov.admin", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/people/new/")
    expect(page.get_by_label("Roll")).to_have_value("member")
    expect(page.get_by_label("Roll").locator("option:checked")).to_have_text("ledamot")

    group = Body.objects.get(municipality__slug="burlov", name="Beredningsgrupp")
    # Someone of another organisation than the municipality's, with no seat in the group yet.
    home = (
        MunicipalityMembership.objects.filter(
            municipality__slug="burlov", is_active=True, organisation__kind="police"
        )
        .exclude(user__body_memberships__body=group)
        .select_related("user")
        .first()
    )
    officer = home.user
    page.goto(f"{base_url}{group.get_absolute_url()}")
    page.get_by_role("link", name="Lägg till medlem").click()
    # The form's script runs before "load": choosing a person before it would fill nothing.
    page.wait_for_load_state("load")
    represents = page.get_by_label("Representerar")
    expect(represents).to_have_value("")
    page.get_by_label("Person").select_option(label=officer.get_full_name())
    expect(represents).to_have_value(str(home.organisation_id))
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text(f"{officer.get_full_name()} har lagts till")).to_be_visible()
    seat = group.memberships.get(user=officer)
    assert seat.organisation_id == home.organisation_id


def test_a_goal_names_its_source_once(page, base_url, login_as, demo_world):
    demo_world(only=["councils"])
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    from councils.models import Agreement

    agreement = Agreement.objects.filter(
        municipality__slug="burlov", focus_areas__goals__source="CAN"
    ).first()
    page.goto(f"{base_url}{agreement.get_absolute_url()}")
    cell = page.get_by_role("cell", name=re.compile("använt narkotika"))
    expect(cell.first).to_contain_text("(CAN)")
    assert "(CAN) (CAN)" not in cell.first.inner_text()


def languages(content):
    found = set(re.findall(rb"/Lang\s*\(([^)]*)\)", content))
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            found |= set(re.findall(rb"/Lang\s*\(([^)]*)\)", zlib.decompress(stream.group(1))))
        except zlib.error:
            continue
    return {language.decode() for language in found}


@pytest.mark.parametrize(
    ("button", "language", "name"),
    [(None, "sv", "lagesbild-"), ("English", "en", "situation-report-")],
)
def test_the_report_pdf_downloads_tagged_in_the_readers_language(
    page, base_url, login_as, demo_world, tmp_path, button, language, name
):
    demo_world()
    report = SituationReport.objects.filter(
        municipality__slug="burlov", status=SituationReport.Status.APPROVED
    ).first()
    login_as(page, "burlov.ledamot", DEMO_PASSWORD)
    page.goto(f"{base_url}{report.get_absolute_url()}")
    if button:
        page.get_by_role("button", name=button).click()
    link = {"sv": "Ladda ner PDF", "en": "Download PDF"}[language]
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    assert download.value.suggested_filename.startswith(name)
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)
    assert languages(path.read_bytes()) == {language}

"""Issue 14 in the browser: from a problem of Burlöv's lägesbild to the measure that answers it,
to the decided action plan, to a quarterly update by the responsible person, to the follow-up
page and the annual follow-up report's PDF; the decision register; and the public page, read
without login, which shows only what was marked public. Axe on every page, at 1366 and 390 px."""

import subprocess

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import Measure, MeasureUpdate, SituationReport

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = "document.documentElement.scrollWidth"
PROBLEM = "Stölder och skadegörelse kring Arlövs station"
MEASURE = "Belysning och kameror vid Arlövs station"  # Sara Lind (burlov.samordnare) is responsible
NOT_PUBLIC = "SSPF-samverkan skola, socialtjänst, polis och fritid"


def test_a_measure_is_followed_from_problem_to_plan_to_update_to_the_annual_report(
    page, base_url, login_as, assert_accessible, screenshot, demo_world, tmp_path
):
    demo_world()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/strategic/problems/")
    page.get_by_role("link", name=PROBLEM).click()
    expect(page.get_by_role("heading", level=2, name="Åtgärder i åtgärdsplanen")).to_be_visible()
    assert_accessible(page)

    # The problem → its measure.
    page.get_by_role("link", name=MEASURE).click()
    expect(page.get_by_role("heading", level=1, name=MEASURE)).to_be_visible()
    expect(page.get_by_role("link", name=PROBLEM)).to_be_visible()
    assert_accessible(page)

    # The measure → the decided plan, with its measures by problem.
    page.get_by_role("navigation", name="Brödsmulor").get_by_role(
        "link", name="Åtgärdsplan för brottsförebyggande arbete och trygghet"
    ).click()
    expect(page.get_by_text("Planen är beslutad och är en allmän handling")).to_be_visible()
    expect(page.get_by_text("Kommunfullmäktige i Burlöv", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=PROBLEM)).to_be_visible()
    # Decided: no form changes it.
    expect(page.get_by_role("link", name="Ändra planen")).to_have_count(0)
    expect(page.get_by_role("link", name="Lägg till en åtgärd")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "plan-detail-1366")

    # An update by the responsible person, at Brå's three levels.
    page.get_by_role("link", name=MEASURE).first.click()
    form = page.locator("form", has=page.get_by_role("button", name="Spara uppföljningen"))
    form.get_by_label("Status efter uppföljningen").select_option("done")
    form.get_by_label("Vad som gjorts").fill("Kamerorna är uppsatta och i drift.")
    form.get_by_label("Hur det gick").fill("Tillståndet kom i oktober.")
    form.get_by_label("Effekt", exact=True).fill("Inga cykelstölder i november.")
    form.get_by_label("Nedlagda timmar").fill("40")
    form.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.get_by_text("Uppföljningen är sparad.")).to_be_visible()
    expect(page.get_by_text("Kamerorna är uppsatta och i drift.")).to_be_visible()
    measure = Measure.objects.get(title=MEASURE)
    assert measure.status == "done"
    assert (
        MeasureUpdate.objects.filter(measure=measure, output__startswith="Kamerorna").count() == 1
    )
    assert_accessible(page)
    screenshot(page, "measure-detail-1366")

    # The follow-up page.
    page.goto(f"{base_url}{measure.plan.get_absolute_url()}")
    page.get_by_role("link", name="Uppföljning", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Indikatorer mot mål")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "plan-follow-up-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(WIDTH) <= 390
    assert_accessible(page)
    screenshot(page, "plan-follow-up-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    # The annual follow-up report 2025, approved, and its PDF.
    page.goto(f"{base_url}{measure.plan.get_absolute_url()}")
    page.get_by_role("link", name="Årlig uppföljning av åtgärdsplanen Burlöv 2025").click()
    expect(page.get_by_role("heading", level=2, name="2. Åtgärder per problem")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "plan-follow-up-report-1366")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()
    path = tmp_path / "uppfoljning.pdf"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.startswith("uppfoljning-atgardsplan-burlov-2025")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert PROBLEM in text and MEASURE in text and "Kommunfullmäktige i Burlöv" in text
    assert "Rekommendationer" in text and "Fastställd" in text
    report = SituationReport.objects.follow_ups().get(municipality__slug="burlov")
    assert report.is_locked

    # The decision register has the plan's decision.
    page.goto(f"{base_url}/burlov/decisions/")
    expect(page.get_by_role("cell", name="Kommunfullmäktige i Burlöv")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "decision-register-1366")
    # The English interface of the plan's page.
    page.get_by_role("button", name="English").click()
    page.goto(f"{base_url}{measure.plan.get_absolute_url()}")
    expect(page.get_by_role("heading", level=2, name="Measures by problem")).to_be_visible()
    assert_accessible(page)
    # The main menu keeps its words whole: a longer menu wraps to a second line instead.
    for link in page.get_by_role("navigation", name="Main menu").get_by_role("link").all():
        lines = link.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return r.getClientRects().length; }"
        )
        assert lines == 1, f"{link.inner_text()!r} is broken over {lines} lines"
    screenshot(page, "plan-detail-english-1366")


def test_the_public_page_needs_no_login_and_shows_only_what_is_public(
    page, base_url, assert_accessible, screenshot, demo_world
):
    demo_world()
    page.goto(f"{base_url}/burlov/public/")
    expect(
        page.get_by_role("heading", level=1, name="Trygghet och brottsförebyggande arbete i Burlöv")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=MEASURE)).to_be_visible()
    expect(page.get_by_text("Vi syns i Arlöv centrum fredag och lördag kväll")).to_be_visible()
    expect(page.get_by_text(NOT_PUBLIC)).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "public-page-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(WIDTH) <= 390
    assert_accessible(page)
    screenshot(page, "public-page-390")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1, name="Tillgänglighetsredogörelse")).to_be_visible()
    assert_accessible(page)

"""Issue 12, points 2 and 3 in Chromium: the coordinator compiles "since the last meeting" and
lands on the meeting's own report (a new version, as it was in review), not an orphan; a
free-period report says so; the start page tells the vice chair and the member what waits for
them; the report names who approves, the coordinator who compiled it cannot approve it alone,
and the vice chair approves. English readers get the title in English."""

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Membership, User
from situation_reports.models import SituationReport
from situation_reports.services import compiling

from .test_reports_browser import build_next_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def test_compile_on_demand_updates_the_meetings_report_and_the_start_page_says_who_approves(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    meeting, first = build_next_meeting(demo_world)  # its report is in review
    Membership.objects.create(
        body=meeting.body,
        user=User.objects.get(username="burlov.kso"),
        role=Membership.Role.VICE_CHAIR,
    )
    orphans_before = SituationReport.objects.filter(meeting__isnull=True).count()

    # The coordinator compiles since the last meeting: the meeting's report gets a new version.
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/reports/")
    period = page.get_by_label("Period")
    expect(period.locator("option:checked")).to_contain_text(
        "Sedan förra mötet: uppdaterar lägesbilden för Örat mot marken"
    )
    page.get_by_role("button", name="Sammanställ").click()
    expect(page.get_by_text("sammanställs på nytt")).to_be_visible()
    new = SituationReport.objects.get(meeting=meeting, version=2)
    expect(page).to_have_url(f"{base_url}{new.get_absolute_url()}")
    assert new.supersedes == first
    assert SituationReport.objects.filter(meeting__isnull=True).count() == orphans_before

    # The figures are compiled (what the worker does), and the coordinator sends it for review.
    compiling.compile_report(new.pk)
    page.reload()
    page.get_by_role("button", name="Skicka på granskning").click()
    expect(page.get_by_text("Lägesbilden är skickad på granskning.")).to_be_visible()
    approvers = page.locator("#report-approvers")
    expect(approvers).to_contain_text("Vem fastställer:")
    expect(approvers).to_contain_text(str(User.objects.get(username="burlov.kso")))
    expect(approvers).to_contain_text("Du sammanställde lägesbilden")
    expect(page.get_by_role("button", name="Fastställ")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "report-compiler-cannot-approve")

    # A free period is labelled as such and is not the start page's latest report.
    page.goto(f"{base_url}/burlov/reports/")
    page.get_by_label("Period").select_option(label="De senaste 7 dagarna")
    page.get_by_role("button", name="Sammanställ").click()
    expect(page.get_by_text("fri period, inte ett mötes lägesbild")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(fri period)")

    # The member is asked to review it.
    page.context.clear_cookies()
    login_as(page, "burlov.ledamot", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    waiting = page.locator("#waiting-for-you")
    expect(waiting).to_contain_text("En lägesbild väntar på din granskning:")
    expect(page.locator("#latest-report-heading").locator("..")).not_to_contain_text("fri period")

    # The vice chair is asked to approve it, follows the link and approves.
    page.context.clear_cookies()
    login_as(page, "burlov.kso", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    waiting = page.locator("#waiting-for-you")
    expect(waiting).to_contain_text("En lägesbild väntar på att du fastställer den:")
    assert_accessible(page)
    screenshot(page, "start-page-waiting-for-you")
    waiting.get_by_role("link", name=str(new)).click()
    expect(page).to_have_url(f"{base_url}{new.get_absolute_url()}")
    page.get_by_role("button", name="Fastställ").click()
    expect(page.get_by_text("Lägesbilden är fastställd.")).to_be_visible()
    new.refresh_from_db()
    assert new.is_approved and new.approved_by.username == "burlov.kso"
    page.goto(f"{base_url}/burlov/")
    expect(page.locator("#waiting-for-you")).not_to_contain_text("lägesbild")

    # In English the title is English.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    page.goto(f"{base_url}{new.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Situation report for Örat mot marken"
    )

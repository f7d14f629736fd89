"""A member of Burlöv's Örat mot marken reviews the situation report of the next meeting, the
coordinator approves it, the PDF holds the totals; the report and trend pages pass axe-core."""

import datetime
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Area, Body, Membership, Municipality, User
from meetings.models import AgendaItem, Meeting
from situation_reports.models import Incident, IncidentCategory, SituationReport
from situation_reports.services import workflow

pytestmark = pytest.mark.django_db(transaction=True)


def build_next_meeting(demo_world):
    demo_world(only=["councils"])
    burlov = Municipality.objects.get(slug="burlov")
    group = Body.objects.get(municipality=burlov, kind=Body.Kind.SITUATION_GROUP)
    Membership.objects.create(body=group, user=User.objects.get(username="burlov.ledamot"))
    Membership.objects.create(
        body=group,
        user=User.objects.get(username="burlov.samordnare"),
        role=Membership.Role.SECRETARY,
    )
    start = timezone.now() + datetime.timedelta(hours=20)
    Meeting.objects.create(
        municipality=burlov,
        body=group,
        title="Örat mot marken",
        start=start - datetime.timedelta(days=14),
        end=start - datetime.timedelta(days=14, hours=-1),
        status=Meeting.Status.HELD,
    )
    meeting = Meeting.objects.create(
        municipality=burlov,
        body=group,
        title="Örat mot marken",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    theft = IncidentCategory.objects.get(code="theft", municipality__isnull=True)
    area = Area.objects.filter(municipality=burlov).first()
    for days in range(1, 8):
        Incident.objects.create(
            municipality=burlov,
            occurred_on=timezone.localdate() - datetime.timedelta(days=days),
            category=theft,
            area=area,
            part_of_day="evening",
            place="Arlövs centrum",
            description="Cykelstöld",
        )
    # What the beat task does a day before the meeting (the worker tests cover the task itself).
    from situation_reports.services import compiling

    report_id = workflow.prepare_meeting_report(meeting.pk)
    compiling.compile_report(report_id)
    workflow.after_compile(report_id)
    return meeting, SituationReport.objects.get(pk=report_id)


def test_a_member_comments_the_coordinator_approves_and_the_pdf_holds_the_totals(
    page, base_url, login_as, assert_accessible, screenshot, tmp_path, demo_world
):
    meeting, report = build_next_meeting(demo_world)
    item = AgendaItem.objects.get(meeting=meeting, source_key="situation_report:report")
    assert item.link == report.get_absolute_url()

    # The member opens the next meeting and, from its agenda, the report.
    login_as(page, "burlov.ledamot", DEMO_PASSWORD)
    page.goto(f"{base_url}{meeting.get_absolute_url()}")
    screenshot(page, "report-meeting-agenda")
    page.locator(".agenda-item", has_text=item.title).get_by_role("link").click()
    expect(page).to_have_url(f"{base_url}{report.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    expect(page.locator('[data-figure="total-current"]')).to_have_text("7")
    assert_accessible(page)
    screenshot(page, "report-detail-member")

    section = page.locator("#section-categories")
    section.get_by_text("Kommentera avsnittet").click()
    section.get_by_label("Kommentar till: Per kategori").fill("Cykelstölderna ökar vid stationen.")
    section.get_by_role("button", name="Kommentera").click()
    expect(page.get_by_text("Din kommentar är sparad.")).to_be_visible()
    expect(page.locator("#section-categories")).to_contain_text(
        "Cykelstölderna ökar vid stationen."
    )

    # The coordinator approves.
    page.context.clear_cookies()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}{report.get_absolute_url()}")
    page.get_by_role("button", name="Fastställ").click()
    expect(page.get_by_text("Lägesbilden är fastställd.")).to_be_visible()
    expect(page.get_by_role("button", name="Fastställ")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "report-detail-approved")

    # The PDF downloads and holds the totals.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Lägesbild inför Örat mot marken" in text
    assert "Fastställd" in text
    assert "Denna period" in text and " 7" in text

    report.refresh_from_db()
    assert report.is_approved


def test_the_report_list_and_trend_pages_are_accessible(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    build_next_meeting(demo_world)
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/reports/")
    expect(page.get_by_role("heading", level=1, name="Lägesbilder")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "report-list")
    page.get_by_role("link", name="Utvecklingen över året").click()
    expect(page.get_by_role("heading", level=1, name="Utvecklingen över året")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "report-trend")


def test_a_coordinator_compiles_on_demand_and_the_page_follows_the_task(
    page, base_url, login_as, assert_accessible, screenshot, start_worker, demo_world
):
    """A real worker compiles; the page polls the report's row with htmx and reloads itself
    once the report is ready, without the request ever waiting for the compile."""
    build_next_meeting(demo_world)
    start_worker()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/reports/")
    page.get_by_label("Period").select_option(label="De senaste 7 dagarna")
    page.get_by_role("button", name="Sammanställ").click()
    expect(
        page.get_by_text("Lägesbilden sammanställs. Sidan uppdateras av sig själv.")
    ).to_be_visible()
    screenshot(page, "report-compiling")
    # The last 7 days are today and the 6 days before: incidents 1–6 days ago count.
    expect(page.locator('[data-figure="total-current"]')).to_have_text("6", timeout=30_000)
    expect(page.locator("#report-status")).to_have_count(0)
    assert_accessible(page)
    report = SituationReport.objects.filter(meeting__isnull=True).get()
    assert report.status == SituationReport.Status.DRAFT

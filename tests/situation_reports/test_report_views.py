"""Pages of the situation report: who may see and do what, what each reader sees."""

import pytest
from django.urls import reverse

from situation_reports.models import ReportComment, ReportSection, SituationReport
from situation_reports.services import compiling, workflow
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

from .report_helpers import END, START, as_meeting_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(burlov, dataset, situation_group, coordinator):
    report = compiling.create_report(burlov, START, END, user=coordinator, body=situation_group)
    compiling.compile_report(report.pk)
    report.refresh_from_db()
    return report


def url(name, report=None, municipality="burlov", **kwargs):
    if report is not None:
        kwargs["pk"] = report.pk
    return reverse(f"situation_reports:{name}", kwargs={"municipality": municipality, **kwargs})


def page(name, allowed=EVERYONE, **options):
    return Page(f"situation_reports:{name}", allowed=allowed, **options)


class TestEveryReportPage(AccessMatrix):
    """Every role of the municipality reads reports; only managers compile and edit them."""

    pages = [
        page("report-list"),
        page("report-trend"),
        page("report-compare"),
        page("report-detail", obj="report"),
        page("report-pdf", obj="report"),
        page("report-status", obj="report", ok=204),  # compiled: the page stops polling
        page("report-create", allowed=MANAGERS, method="post", data={"period": "7"}, ok=302),
        page(
            "report-section",
            obj="report",
            allowed=MANAGERS,
            method="post",
            data={"key": "assessment", "text": "x"},
            ok=302,
        ),
        page(
            "report-step",
            obj="report",
            kwargs={"step": "submit"},
            allowed=MANAGERS,
            method="post",
            ok=302,
        ),
    ]

    @pytest.fixture
    def objects(self, report):
        return {"report": report}

    def check_allowed(self, page, response, role, objects):
        if page.name == "situation_reports:report-detail":
            # The count rule: a private company's figures leave the restricted incident out.
            total = 16 if role == "company_partner" else 17
            assert f'data-figure="total-current">{total}<' in response.content.decode()


def test_restricted_details_appear_only_to_public_authorities(login, users_by_role, report):
    secret_place, secret_text = "Hemliga gränd 3", "Misshandel, uppgifter om enskild"
    open_place = "Åkarps skola"
    for role, sees_secret, sees_open in [
        ("police_partner", True, True),
        ("coordinator", True, True),
        ("company_partner", False, False),
    ]:
        html = login(users_by_role[role]).get(url("report-detail", report)).content.decode()
        assert (secret_place in html) is sees_secret, role
        assert (secret_text in html) is sees_secret, role
        assert (open_place in html) is sees_open, role
        # Counts include the restricted incident for those who may read it only.
        total = 17 if sees_secret else 16
        assert f'data-figure="total-current">{total}<' in html


def test_a_member_without_public_authority_sees_open_details_only(
    login, burlov, security_org, report
):
    from councils.models import Membership
    from tests.factories import make_user

    guard_member = make_user("burlov.guardmember", burlov, "member", security_org)
    Membership.objects.create(body=report.body, user=guard_member)
    html = login(guard_member).get(url("report-detail", report)).content.decode()
    assert "Hemliga gränd 3" not in html
    assert "Åkarps skola" in html


def test_the_list_needs_the_same_number_of_queries_for_few_and_many_reports(
    login, member, burlov, django_assert_max_num_queries
):
    client = login(member)

    def make(n):
        for _i in range(n):
            compiling.create_report(burlov, START, END)

    make(2)
    with django_assert_max_num_queries(12) as small:
        client.get(url("report-list"))
    make(20)
    with django_assert_max_num_queries(12) as large:
        client.get(url("report-list"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_coordinator_compiles_on_demand_without_waiting(
    login, coordinator, burlov, dataset, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("report-create"), {"period": "14"})
    report = SituationReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.status == SituationReport.Status.QUEUED
    assert len(callbacks) == 1  # the task is sent after the commit, not during the request
    # While it waits, the page polls the report's row with htmx.
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'hx-get="' + url("report-status", report) in page
    assert client.get(url("report-status", report)).status_code == 200
    compiling.compile_report(report.pk)
    done = client.get(url("report-status", report))
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_custom_dates_must_make_sense(login, coordinator, burlov):
    client = login(coordinator)
    response = client.post(
        url("report-create"), {"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not SituationReport.objects.exists()


def test_review_comment_and_approval_by_the_chair(login, burlov, report, coordinator, member):
    from councils.models import Membership
    from tests.factories import make_user

    chair = make_user("burlov.chair", burlov, "member")
    Membership.objects.create(body=report.body, user=chair, role=Membership.Role.CHAIR)
    client = login(coordinator)
    client.post(url("report-section", report), {"key": "assessment", "text": "Oroligt i Arlöv."})
    assert ReportSection.objects.get(report=report, key="assessment").text == "Oroligt i Arlöv."
    client.post(url("report-step", report, step="submit"))
    report.refresh_from_db()
    assert report.status == SituationReport.Status.IN_REVIEW
    # A member of the body comments on a section.
    response = login(member).post(
        url("report-comment", report), {"section": "categories", "text": "Fler stölder?"}
    )
    assert response.status_code == 302
    assert ReportComment.objects.get().section == "categories"
    # An ordinary member cannot approve; the chair can.
    assert login(member).post(url("report-step", report, step="approve")).status_code == 403
    login(chair).post(url("report-step", report, step="approve"))
    report.refresh_from_db()
    assert report.status == SituationReport.Status.APPROVED
    assert report.approved_by == chair


@pytest.mark.parametrize(
    ("seat", "may_approve"),
    [("vice_chair", True), ("secretary", False), ("member", False)],
)
def test_the_approval_rule_of_minutes_holds_for_reports(login, burlov, report, seat, may_approve):
    """One approval rule (councils.permissions): chair and vice chair approve, the secretary
    and the members do not."""
    from councils.models import Membership
    from tests.factories import make_user

    officer = make_user(f"burlov.seat-{seat}", burlov, "member")
    Membership.objects.create(body=report.body, user=officer, role=seat)
    workflow.submit_for_review(report, None)
    response = login(officer).post(url("report-step", report, step="approve"))
    report.refresh_from_db()
    assert (report.status == SituationReport.Status.APPROVED) is may_approve
    assert response.status_code == (302 if may_approve else 403)


def test_a_partner_outside_the_body_cannot_comment(login, company_partner, report):
    workflow.submit_for_review(report, None)
    response = login(company_partner).post(
        url("report-comment", report), {"section": "summary", "text": "Hej"}
    )
    assert response.status_code == 403
    assert not ReportComment.objects.exists()


def test_an_empty_comment_is_refused_with_a_message(login, member, report):
    response = login(member).post(
        url("report-comment", report), {"section": "summary", "text": " "}
    )
    assert response.status_code == 400
    assert "Skriv en kommentar." in response.content.decode()
    assert not ReportComment.objects.exists()


def test_the_pdf_is_a_dated_document_with_the_totals(login, member, report):
    from io import BytesIO

    response = login(member).get(url("report-pdf", report))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "lagesbild-burlov-2026-03-15.pdf" in response["Content-Disposition"]
    text = pdf_text(BytesIO(response.content))
    assert report.title in " ".join(text.split())  # the title may wrap
    assert "17" in text


def pdf_text(stream):
    """The text of a PDF, with pdftotext (poppler-utils)."""
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=stream.read(),
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_compare_and_trend_show_tables_next_to_the_charts(login, member, burlov, report):
    other = compiling.create_report(burlov, START, START)
    compiling.compile_report(other.pk)
    client = login(member)
    html = client.get(url("report-compare"), {"a": report.pk, "b": other.pk}).content.decode()
    assert "<svg" in html and "<table" in html
    assert "Stöld/inbrott" in html
    trend = client.get(url("report-trend")).content.decode()
    assert "<svg" in trend and 'role="img"' in trend and "<table" in trend


def test_the_start_page_section_shows_the_latest_compiled_report(rf, member, burlov, report):
    from django.template.loader import render_to_string

    from councils.models import MunicipalityMembership
    from situation_reports.dashboard import report_section as dashboard_section

    as_meeting_report(report)
    compiling.create_report(burlov, END, END)  # newer, but not compiled yet
    free = compiling.create_report(burlov, END, END, body=report.body)  # a free period
    compiling.compile_report(free.pk)
    request = rf.get("/")
    request.user = member
    request.membership = MunicipalityMembership.objects.get(user=member)
    section = dashboard_section(request)
    assert section["report"] == report
    html = render_to_string(section["template"], {"section": section})
    assert report.get_absolute_url() in html and "17" in html


def test_a_private_partners_pdf_holds_numbers_but_no_restricted_details(
    login, company_partner, police_partner, report
):
    from io import BytesIO

    partner_pdf = pdf_text(BytesIO(login(company_partner).get(url("report-pdf", report)).content))
    assert "16" in partner_pdf
    assert "Hemliga gränd 3" not in partner_pdf and "Misshandel" not in partner_pdf
    police_pdf = pdf_text(BytesIO(login(police_partner).get(url("report-pdf", report)).content))
    assert "Hemliga gränd 3" in police_pdf


def test_the_trend_page_needs_the_same_number_of_queries_for_few_and_many_incidents(
    login, member, burlov, areas
):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from .report_helpers import incident

    client = login(member)

    def queries_with(n):
        for i in range(n):
            incident(burlov, timezone.localdate() - datetime.timedelta(days=i * 5 % 360), "theft")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("report-trend")).status_code == 200
        return len(ctx.captured_queries)

    assert queries_with(2) == queries_with(40)

"""Issue 12, points 2 and 3: compiling on demand for a meeting's period updates that meeting's
report (no orphan), free-period reports are labelled and never the start page's latest report,
the start page says what waits for each person, the report names who approves, and the
coordinator who compiled a report is not its only approver while the body has a chair. Report
titles are data, shown in the reader's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import Membership
from meetings.models import Meeting
from situation_reports import permissions
from situation_reports.models import ReportSection, SituationReport
from situation_reports.services import compiling, workflow
from tests.factories import MembershipFactory, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def meeting(body, on, **fields):
    start = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    return Meeting.objects.create(
        municipality=body.municipality,
        body=body,
        title=fields.pop("title", "Örat mot marken"),
        start=start,
        end=start + datetime.timedelta(hours=1),
        **fields,
    )


@pytest.fixture
def meetings(situation_group):
    """The last meeting (a week ago, held) and the next one (in a week)."""
    last = meeting(situation_group, TODAY - datetime.timedelta(days=7), status="held")
    upcoming = meeting(situation_group, TODAY + datetime.timedelta(days=7))
    return last, upcoming


@pytest.fixture
def chair(burlov, municipal_admin_org, situation_group):
    user = make_user("burlov.chair", burlov, "member", municipal_admin_org, first_name="Karin")
    MembershipFactory(body=situation_group, user=user, role=Membership.Role.CHAIR)
    return user


def compile_since_last_meeting(login, user, **data):
    return login(user).post(
        reverse("situation_reports:report-create", kwargs={"municipality": "burlov"}),
        {"period": "since_meeting", **data},
    )


def orphans():
    return SituationReport.objects.filter(meeting__isnull=True).count()


# --- Which meeting a period is ------------------------------------------------------------------


def test_since_the_last_meeting_is_the_next_meetings_period(situation_group, meetings):
    last, upcoming = meetings
    start, end = compiling.default_period(situation_group.municipality, body=situation_group)
    assert start == timezone.localdate(last.start)
    assert compiling.meeting_for_period(situation_group, start, end) == upcoming


def test_on_the_meetings_own_day_before_it_starts_since_the_last_meeting_is_still_its_period(
    situation_group,
):
    """Compiling on the morning of the meeting updates that meeting's report (it ran into a
    free-period report whenever the meeting was later the same day)."""
    now = timezone.localtime()
    last = meeting(situation_group, TODAY - datetime.timedelta(days=14), status="held")
    later_today = Meeting.objects.create(
        municipality=situation_group.municipality,
        body=situation_group,
        title="Örat mot marken",
        start=now + datetime.timedelta(minutes=1),
        end=now + datetime.timedelta(hours=1),
    )
    start, end = compiling.default_period(situation_group.municipality, body=situation_group)
    assert (start, end) == (timezone.localdate(last.start), TODAY)
    if timezone.localdate(later_today.start) == TODAY:  # not in the last minute of the day
        assert compiling.meeting_for_period(situation_group, start, end) == later_today
    # Once it has started, the same period is a free one (the meeting is past).
    Meeting.objects.filter(pk=later_today.pk).update(start=now - datetime.timedelta(minutes=1))
    assert compiling.meeting_for_period(situation_group, start, end) is None


def test_a_past_meetings_own_dates_are_that_meeting_and_other_periods_are_free(
    situation_group, meetings
):
    last, upcoming = meetings
    before = meeting(situation_group, TODAY - datetime.timedelta(days=21), status="held")
    start, end = compiling.meeting_period(last)
    assert start == timezone.localdate(before.start)
    assert compiling.meeting_for_period(situation_group, start, end) == last
    seven_days = (TODAY - datetime.timedelta(days=6), TODAY)
    assert compiling.meeting_for_period(situation_group, *seven_days) is None
    assert compiling.meeting_for_period(None, start, end) is None


# --- Compiling on demand ------------------------------------------------------------------------


def test_compiling_the_next_meetings_period_makes_its_report_not_an_orphan(
    login, coordinator, meetings
):
    _last, upcoming = meetings
    response = compile_since_last_meeting(login, coordinator)
    report = SituationReport.objects.get(meeting=upcoming)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert orphans() == 0
    assert report.compiled_by == coordinator
    assert (report.period_start, report.period_end) == compiling.meeting_period(upcoming)
    # Twice: still one report (the pending one is left to its compile).
    compile_since_last_meeting(login, coordinator)
    assert SituationReport.objects.filter(meeting=upcoming).count() == 1 and orphans() == 0


def test_a_draft_of_the_meeting_is_compiled_again_in_place(login, coordinator, meetings):
    _last, upcoming = meetings
    report, _ = compiling.report_for_meeting(upcoming)
    compiling.compile_report(report.pk)
    compile_since_last_meeting(login, coordinator)
    report.refresh_from_db()
    assert report.status == SituationReport.Status.QUEUED and report.compiled_by == coordinator
    assert SituationReport.objects.count() == 1


def test_a_report_in_review_gets_a_new_version_that_keeps_its_text(
    login, coordinator, meetings, chair
):
    _last, upcoming = meetings
    report, _ = compiling.report_for_meeting(upcoming)
    compiling.compile_report(report.pk)
    workflow.save_section(report, "assessment", "Lugnt i centrum.", coordinator)
    workflow.submit_for_review(report, coordinator)
    response = compile_since_last_meeting(login, coordinator)
    new = SituationReport.objects.get(meeting=upcoming, version=2)
    assert response.url == new.get_absolute_url()
    assert new.supersedes == report and new.status == SituationReport.Status.QUEUED
    assert ReportSection.objects.get(report=new, key="assessment").text == "Lugnt i centrum."
    assert orphans() == 0
    # The version in review can no longer be approved (not even by the chair).
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(report, chair)
    step = reverse(
        "situation_reports:report-step",
        kwargs={"municipality": "burlov", "pk": report.pk, "step": "approve"},
    )
    page = login(chair).get(report.get_absolute_url()).content.decode()
    assert step not in page and new.get_absolute_url() in page
    response = login(chair).post(step, follow=True)
    assert "nyare version" in response.content.decode()
    report.refresh_from_db()
    assert report.status == SituationReport.Status.IN_REVIEW


def test_an_approved_meetings_report_is_refused_with_a_message_and_nothing_made(
    login, coordinator, meetings
):
    _last, upcoming = meetings
    report, _ = compiling.report_for_meeting(upcoming)
    compiling.compile_report(report.pk)
    workflow.submit_for_review(report, None)
    workflow.approve(report, coordinator)
    response = compile_since_last_meeting(login, coordinator)
    assert response.status_code == 400
    assert "fastställd" in response.content.decode()
    assert SituationReport.objects.count() == 1


def test_a_free_period_is_labelled_and_never_the_start_pages_report(
    login, coordinator, member, meetings
):
    _last, upcoming = meetings
    meeting_report, _ = compiling.report_for_meeting(upcoming)
    compiling.compile_report(meeting_report.pk)
    login(coordinator).post(
        reverse("situation_reports:report-create", kwargs={"municipality": "burlov"}),
        {"period": "7"},
    )
    free = SituationReport.objects.get(meeting__isnull=True)
    compiling.compile_report(free.pk)
    assert free.is_free_period and "fri period" in str(free)
    detail = login(member).get(free.get_absolute_url()).content.decode()
    assert "fri period, inte ett mötes lägesbild" in detail
    sections = login(member).get("/burlov/").context["sections"]
    latest = next(s for s in sections if s["template"].endswith("report_dashboard.html"))
    assert latest["report"] == meeting_report


# --- Titles in the reader's language -------------------------------------------------------


def test_titles_are_data_rendered_in_the_readers_language(burlov, situation_group, meetings):
    _last, upcoming = meetings
    report, _ = compiling.report_for_meeting(upcoming)
    free = compiling.create_report(burlov, datetime.date(2026, 3, 2), datetime.date(2026, 3, 15))
    assert report.title_params["meeting"] == "Örat mot marken"
    with translation.override("en"):
        assert report.display_title.startswith("Situation report for Örat mot marken")
        assert "(free period)" in free.display_title and "Lägesbild" not in free.display_title
    with translation.override("sv"):
        assert report.display_title.startswith("Lägesbild inför Örat mot marken")
        assert "(fri period)" in str(free)
    # The stored column is in the site's language (Swedish) for the admin.
    assert report.title.startswith("Lägesbild inför")


def test_hostile_title_parameters_fall_back_to_the_stored_title(burlov):
    free = compiling.create_report(burlov, datetime.date(2026, 3, 2), datetime.date(2026, 3, 15))
    SituationReport.objects.filter(pk=free.pk).update(
        title_params={"meeting": "x", "date": "31.02.2026"}
    )
    free.refresh_from_db()
    assert free.display_title == free.title


# --- Who approves -------------------------------------------------------------------------------


def in_review(body, meetings, compiled_by):
    report, _ = compiling.report_for_meeting(meetings[1])
    compiling.compile_report(report.pk)
    SituationReport.objects.filter(pk=report.pk).update(compiled_by=compiled_by)
    report.refresh_from_db()
    return workflow.submit_for_review(report, compiled_by)


def membership(user):
    return user.municipality_memberships.get()


def test_the_compiler_is_not_the_only_approver_while_the_body_has_a_chair(
    login, coordinator, admin_user, member, chair, situation_group, meetings
):
    report = in_review(situation_group, meetings, coordinator)
    assert not permissions.can_approve(report, membership(coordinator))
    assert permissions.can_approve(report, membership(chair))
    assert permissions.can_approve(report, membership(admin_user))
    assert not permissions.can_approve(report, membership(member))
    page = login(coordinator).get(report.get_absolute_url()).content.decode()
    assert "Du sammanställde lägesbilden" in page
    # Through a forged POST too: refused, nothing changed.
    step = reverse(
        "situation_reports:report-step",
        kwargs={"municipality": "burlov", "pk": report.pk, "step": "approve"},
    )
    assert login(coordinator).post(step).status_code == 403
    report.refresh_from_db()
    assert report.status == SituationReport.Status.IN_REVIEW
    assert login(chair).post(step).status_code == 302
    report.refresh_from_db()
    assert report.is_approved and report.approved_by == chair


def test_without_a_chair_the_compiler_may_approve(coordinator, situation_group, meetings):
    report = in_review(situation_group, meetings, coordinator)
    assert permissions.can_approve(report, membership(coordinator))


def test_the_report_names_who_approves(
    login, member, coordinator, chair, situation_group, meetings
):
    report = in_review(situation_group, meetings, coordinator)
    page = login(member).get(report.get_absolute_url()).content.decode()
    assert "Vem fastställer:" in page
    assert str(chair) in page and "ordförande" in page
    # The compiler is left out of the names: the chair approves.
    approvers = page.split('id="report-approvers"')[1].split("</div>")[0]
    assert str(coordinator) not in approvers


def test_the_outsider_gets_404_for_a_burlov_report_and_its_approval(
    login, outsider, coordinator, situation_group, meetings
):
    report = in_review(situation_group, meetings, coordinator)
    assert login(outsider).get(report.get_absolute_url()).status_code == 404
    step = reverse(
        "situation_reports:report-step",
        kwargs={"municipality": "burlov", "pk": report.pk, "step": "approve"},
    )
    assert login(outsider).post(step).status_code == 404


# --- What waits for you ---------------------------------------------------------------------------


def waiting(login, user):
    sections = login(user).get("/burlov/").context["sections"]
    return next((s for s in sections if s["template"] == "trygghet/_waiting.html"), None)


def test_the_start_page_says_what_waits_for_each_person(
    login, coordinator, member, chair, company_partner, situation_group, meetings
):
    report = in_review(situation_group, meetings, coordinator)
    assert waiting(login, chair)["reports"] == [("approve", report)]
    assert waiting(login, member)["reports"] == [("review", report)]
    # The coordinator compiled it: the chair approves; they may still comment.
    assert waiting(login, coordinator)["reports"] == [("review", report)]
    assert waiting(login, company_partner) is None  # not in the body
    html = login(chair).get("/burlov/").content.decode()
    assert "En lägesbild väntar på att du fastställer den:" in html
    assert report.get_absolute_url() in html


def test_minutes_waiting_for_approval_are_on_the_approvers_start_page(
    login, member, chair, meetings
):
    last, _upcoming = meetings  # held: its minutes wait for approval
    found = waiting(login, chair)
    assert found["minutes"] == [last]
    assert "Ett protokoll väntar på din justering:" in login(chair).get("/burlov/").content.decode()
    assert waiting(login, member) is None


def test_the_minutes_page_names_who_approves_by_the_same_rule(login, coordinator, chair, meetings):
    last, _upcoming = meetings
    url = reverse("meetings:minutes", kwargs={"municipality": "burlov", "pk": last.pk})
    page = login(coordinator).get(url).content.decode()
    names = page.split('id="minutes-approvers"')[1].split("</p>")[0]
    assert "Vem justerar:" in names and str(chair) in names and "ordförande" in names

"""An approved report is an official record: the model, the forms and the admin refuse any
change; a correction is a new version and the old one stays readable. Also the command, the
agenda item and the scheduling around meetings."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from situation_reports import tasks
from situation_reports.forms.reports import CommentForm, SectionForm
from situation_reports.models import ReportComment, ReportLocked, ReportSection, SituationReport
from situation_reports.services import compiling, workflow

from .report_helpers import END, START, incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(burlov, dataset, situation_group, coordinator):
    report = compiling.create_report(burlov, START, END, body=situation_group)
    compiling.compile_report(report.pk)
    workflow.save_section(report, "assessment", "Lugnt.", coordinator)
    workflow.submit_for_review(report, coordinator)
    return workflow.approve(report, coordinator)


def test_the_model_refuses_to_change_or_delete_an_approved_report(approved):
    approved.title = "Ändrad"
    with pytest.raises(ReportLocked):
        approved.save()
    approved.refresh_from_db()
    approved.data = {"totals": {"current": 0}}
    with pytest.raises(ValidationError):
        approved.save()
    with pytest.raises(ReportLocked):
        approved.delete()
    section = ReportSection.objects.get(report=approved, key="assessment")
    section.text = "Ändrad"
    with pytest.raises(ReportLocked):
        section.save()
    with pytest.raises(ReportLocked):
        ReportComment.objects.create(
            report=approved, section="summary", author=approved.approved_by, text="x"
        )
    stored = SituationReport.objects.get(pk=approved.pk)
    assert stored.data["totals"]["current"] == 17
    assert ReportSection.objects.get(report=approved, key="assessment").text == "Lugnt."


def test_the_forms_refuse_an_approved_report_with_a_clear_message(approved):
    form = SectionForm({"key": "assessment", "text": "Ändrad"}, report=approved)
    assert not form.is_valid()
    assert "officiell handling" in " ".join(form.non_field_errors())
    comment = CommentForm({"section": "summary", "text": "Hej"}, report=approved)
    assert not comment.is_valid()


def test_the_section_page_refuses_an_approved_report(login, coordinator, approved):
    response = login(coordinator).post(
        reverse(
            "situation_reports:report-section",
            kwargs={"municipality": "burlov", "pk": approved.pk},
        ),
        {"key": "assessment", "text": "Ändrad"},
    )
    assert response.status_code == 400
    assert "officiell handling" in response.content.decode()
    assert ReportSection.objects.get(report=approved, key="assessment").text == "Lugnt."


def test_the_admin_shows_an_approved_report_read_only(client, approved, burlov):
    from councils.models import User

    operator = User.objects.create_superuser("operator", "op@example.org", "x-secret-123")
    client.force_login(operator)
    change_url = reverse("admin:situation_reports_situationreport_change", args=[approved.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # shown, not editable
    response = client.post(change_url, {"title": "Ändrad", "status": "draft"})
    assert response.status_code == 403
    delete_url = reverse("admin:situation_reports_situationreport_delete", args=[approved.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    approved.refresh_from_db()
    assert approved.title != "Ändrad" and approved.is_approved


def test_a_correction_is_a_new_version_and_the_old_one_stays(approved, coordinator, login):
    incident(approved.municipality, START, "theft")  # something changed since
    copy = workflow.new_version(approved, coordinator, "Felaktig kategori")
    assert copy.version == 2 and copy.supersedes == approved
    assert copy.status == SituationReport.Status.DRAFT
    assert copy.data == approved.data  # the same figures to start from
    assert ReportSection.objects.get(report=copy, key="assessment").text == "Lugnt."
    workflow.recompile(copy, coordinator)  # explicitly, in the new version only
    compiling.compile_report(copy.pk)
    copy.refresh_from_db()
    approved.refresh_from_db()
    assert copy.data["totals"]["current"] == 18
    assert approved.data["totals"]["current"] == 17 and approved.is_approved
    with pytest.raises(workflow.WorkflowError):
        workflow.new_version(approved, coordinator, "igen")
    html = login(coordinator).get(approved.get_absolute_url()).content.decode()
    assert copy.get_absolute_url() in html  # the old one points to its correction


def test_only_a_draft_is_recompiled(approved, coordinator):
    with pytest.raises(ReportLocked):
        workflow.recompile(approved, coordinator)


def test_the_command_compiles_a_report_and_prints_its_address(burlov, dataset):
    out = StringIO()
    call_command(
        "compile_situation_report",
        "--municipality",
        "burlov",
        "--start",
        START.isoformat(),
        "--end",
        END.isoformat(),
        stdout=out,
    )
    report = SituationReport.objects.get()
    assert out.getvalue().strip().endswith(report.get_absolute_url())
    assert report.status == SituationReport.Status.DRAFT
    assert report.data["totals"]["current"] == 17
    with pytest.raises(CommandError):
        call_command("compile_situation_report", "--municipality", "nowhere")
    with pytest.raises(CommandError):
        call_command(
            "compile_situation_report",
            "--municipality",
            "burlov",
            "--start",
            "2026-13-01",
            "--end",
            "2026-01-01",
        )


@pytest.fixture
def next_meeting(burlov, situation_group):
    from .report_helpers import aware

    start = timezone.now() + datetime.timedelta(hours=20)
    previous = start - datetime.timedelta(days=14)
    Meeting.objects.create(
        municipality=burlov,
        body=situation_group,
        title="Örat mot marken",
        start=previous,
        end=previous + datetime.timedelta(hours=1),
        status=Meeting.Status.HELD,
    )
    meeting = Meeting.objects.create(
        municipality=burlov,
        body=situation_group,
        title="Örat mot marken",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    meeting_services.invite_members(meeting)
    assert aware  # the helper is used by other tests
    return meeting


def test_the_beat_task_compiles_a_report_for_the_next_meeting_once(
    next_meeting, burlov, areas, member, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from trygghet.celery import app

    app.conf.task_always_eager = True
    try:
        incident(burlov, timezone.localdate() - datetime.timedelta(days=2), "theft", areas["Arlöv"])
        # The sweep enqueues each compile once its transaction commits (TrygghetTask.enqueue).
        with django_capture_on_commit_callbacks(execute=True):
            tasks.compile_reports_before_meetings()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.compile_reports_before_meetings()  # run twice: nothing more
    finally:
        app.conf.task_always_eager = False
    report = SituationReport.objects.get(meeting=next_meeting)
    assert report.status == SituationReport.Status.IN_REVIEW
    assert report.period_end == timezone.localdate(next_meeting.start) - datetime.timedelta(days=1)
    assert report.data["totals"]["current"] == 1
    # Attached to the agenda, not shareable (its counts include restricted incidents).
    item = AgendaItem.objects.get(meeting=next_meeting, source_key="situation_report:report")
    assert item.link == report.get_absolute_url() and not item.shareable
    assert item.source_object == report
    # The members were told once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, coordinator.email])
    assert report.title in mail.outbox[0].subject


def test_meetings_outside_the_lead_time_get_no_report_yet(next_meeting, settings):
    settings.SITUATION_REPORT_LEAD_HOURS = 6
    assert list(workflow.meetings_needing_reports()) == []
    settings.SITUATION_REPORT_LEAD_HOURS = 24
    assert list(workflow.meetings_needing_reports()) == [next_meeting.pk]


def test_the_database_allows_one_report_per_meeting(next_meeting):
    from django.db import IntegrityError, transaction

    compiling.report_for_meeting(next_meeting)
    again, created = compiling.report_for_meeting(next_meeting)
    assert not created
    with pytest.raises(IntegrityError), transaction.atomic():
        SituationReport.objects.create(
            municipality=next_meeting.municipality,
            title="Dubblett",
            meeting=next_meeting,
            period_start=START,
            period_end=END,
        )
    assert SituationReport.objects.filter(meeting=next_meeting).count() == 1


def test_the_database_itself_refuses_to_change_an_approved_report(approved):
    """Even a path that skips the model (a queryset update, bulk operations, raw SQL)."""
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="official record"), transaction.atomic():
        SituationReport.objects.filter(pk=approved.pk).update(title="Ändrad")
    with pytest.raises(DatabaseError, match="official record"), transaction.atomic():
        SituationReport.objects.filter(pk=approved.pk).delete()
    with pytest.raises(DatabaseError, match="official record"), transaction.atomic():
        ReportSection.objects.filter(report=approved).update(text="Ändrad")
    with pytest.raises(DatabaseError, match="official record"), transaction.atomic():
        ReportComment.objects.bulk_create(
            [
                ReportComment(
                    report=approved, section="summary", author=approved.approved_by, text="x"
                )
            ]
        )
    approved.refresh_from_db()
    assert approved.title != "Ändrad"
    assert ReportSection.objects.get(report=approved, key="assessment").text == "Lugnt."

"""Review and approval of situation reports, and the scheduling around meetings.

Plain functions used by views, tasks, the command and the demo. Draft → in review → approved;
an approved report never changes again (the model refuses it); a correction is a new version
that supersedes it. Who may take each step is decided in ``situation_reports.permissions``.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from councils.models import Body, Membership
from meetings import services as meeting_services
from meetings.models import Kind, Meeting
from trygghet import alerts, outbox

from ..models import ReportComment, ReportSection, SituationReport
from . import compiling

logger = logging.getLogger(__name__)

DEFAULT_LEAD_HOURS = 24


class WorkflowError(ValueError):
    """A step that is not possible in the report's state; the message is for the user."""


# --- Steps -------------------------------------------------------------------------------------


def _locked(report_id):
    return SituationReport.objects.select_for_update().get(pk=report_id)


def submit_for_review(report, user):
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status != SituationReport.Status.DRAFT:
            raise WorkflowError(_("Only a draft can be sent for review."))
        if SituationReport.objects.filter(supersedes=report).exists():
            raise WorkflowError(_("This report has a newer version: approve that one."))
        report.status = SituationReport.Status.IN_REVIEW
        report.submitted_at = timezone.now()
        report.save()
    return report


def return_to_draft(report, user):
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status != SituationReport.Status.IN_REVIEW:
            raise WorkflowError(_("Only a report in review can go back to draft."))
        report.status = SituationReport.Status.DRAFT
        report.save()
    return report


def approve(report, user):
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status != SituationReport.Status.IN_REVIEW:
            raise WorkflowError(_("Only a report in review can be approved."))
        if SituationReport.objects.filter(supersedes=report).exists():
            raise WorkflowError(_("This report has a newer version: approve that one."))
        report.status = SituationReport.Status.APPROVED
        report.approved_at = timezone.now()
        report.approved_by = user
        report.save()
    return report


def recompile(report, user):
    """Put a draft back in the queue; the caller sends the compile task
    (``tasks.compile_situation_report.enqueue``)."""
    with transaction.atomic():
        report = _locked(report.pk)
        report.check_editable()
        if report.status != SituationReport.Status.DRAFT:
            raise WorkflowError(_("Only a draft can be compiled again."))
        compiling.request_recompile(report, user)
    return report


def save_section(report, key, text, user):
    with transaction.atomic():
        report = _locked(report.pk)
        report.check_editable()
        if not report.is_editable:
            raise WorkflowError(_("The report is not compiled yet."))
        section, _created = ReportSection.objects.get_or_create(report=report, key=key)
        section.text = text
        section.updated_by = user
        section.save()
    return section


def add_comment(report, section, user, text):
    report.check_editable()
    return ReportComment.objects.create(report=report, section=section, author=user, text=text)


def new_version(report, user, reason):
    """A correction of an approved report: a new draft that supersedes it, with the same
    figures and text to start from. The approved one stays as it is, readable."""
    with transaction.atomic():
        report = _locked(report.pk)
        if not report.is_approved:
            raise WorkflowError(_("Only an approved report is corrected with a new version."))
        if SituationReport.objects.filter(supersedes=report).exists():
            raise WorkflowError(_("This report already has a newer version."))
        copy = SituationReport.objects.create(
            municipality_id=report.municipality_id,
            kind=report.kind,
            title=report.title,
            title_params=report.title_params,
            body_id=report.body_id,
            meeting_id=report.meeting_id,
            action_plan_id=report.action_plan_id,
            period_start=report.period_start,
            period_end=report.period_end,
            status=SituationReport.Status.DRAFT,
            version=report.version + 1,
            supersedes=report,
            correction_reason=reason,
            data=report.data,
            compiled_at=report.compiled_at,
            compiled_by=user,
        )
        ReportSection.objects.bulk_create(
            [
                ReportSection(report=copy, key=s.key, text=s.text, updated_by=user)
                for s in report.sections.all()
            ]
        )
        copy_problems(report, copy, user)
    return copy


def copy_problems(report, copy, user):
    """The problems of ``report`` into its new version ``copy``, each continuing its original,
    with their areas, categories and indicators."""
    for problem in report.problems.prefetch_related("areas", "categories", "indicators"):
        areas, categories, indicators = (
            list(problem.areas.all()),
            list(problem.categories.all()),
            list(problem.indicators.all()),
        )
        original = problem.pk
        problem._prefetched_objects_cache = {}  # the links below are the new row's
        problem.pk = None
        problem.report = copy
        problem.continues_id = original
        problem.updated_by = user
        problem.created_at = timezone.now()
        problem.save()
        problem.areas.set(areas)
        problem.categories.set(categories)
        problem.indicators.set(indicators)


# --- Problems of a strategic lägesbild ----------------------------------------------------------


def save_problem(report, form, user):
    """Save a problem of ``report`` from a valid ``ProblemForm`` (new or changed), refusing
    when the report is not editable, with the report row locked."""
    with transaction.atomic():
        report = _locked(report.pk)
        report.check_editable()
        if not report.is_editable:
            raise WorkflowError(_("The report is not compiled yet."))
        problem = form.save(commit=False)
        problem.report = report
        problem.updated_by = user
        if problem.pk is None:
            problem.position = report.problems.count() + 1
        problem.save()
        form.save_m2m()
    return problem


def delete_problem(problem):
    with transaction.atomic():
        report = _locked(problem.report_id)
        report.check_editable()
        problem.delete()


# --- Compiling on demand ------------------------------------------------------------------------


def compile_on_demand(municipality, start, end, user, body):
    """What "Compile a report now" does for the period ``start``–``end``.

    A meeting's period (``compiling.meeting_for_period``: since the last meeting, or a past
    meeting's own dates) updates *that meeting's* report rather than making another one: a
    draft is compiled again, a report in review gets a new version (a draft that supersedes it,
    with its text; the one in review can no longer be approved), a report waiting for its
    figures is left to its compile. An approved one is refused (a correction is a new version
    with a reason, on its page). Any other period makes a free-period report.

    Returns ``(report, compile)``: the report to show, and whether its compile task is to be
    sent.
    """
    meeting = compiling.meeting_for_period(body, start, end)
    if meeting is None:
        report = compiling.create_report(municipality, start, end, user=user, body=body)
        return report, True
    compiling.report_for_meeting(meeting)  # version 1, made once whoever asks first
    with transaction.atomic():
        # The current version, locked: two coordinators pressing at once take turns.
        report = _locked(
            SituationReport.objects.filter(meeting=meeting).order_by("-version").first().pk
        )
        if report.is_pending:
            if report.compiled_by_id is None:
                report.compiled_by = user
                report.save(update_fields=["compiled_by"])
            return report, True
        if report.status == SituationReport.Status.DRAFT:
            return compiling.request_recompile(report, user), True
        if report.status == SituationReport.Status.IN_REVIEW:
            return _recompiled_version(report, user), True
        raise WorkflowError(
            _("The report of this meeting is approved: correct it with a new version on its page.")
        )


def _recompiled_version(report, user):
    """A new version of a report in review, waiting to be compiled again (its text kept)."""
    copy = SituationReport.objects.create(
        municipality_id=report.municipality_id,
        title=report.title,
        title_params=report.title_params,
        body_id=report.body_id,
        meeting_id=report.meeting_id,
        period_start=report.period_start,
        period_end=report.period_end,
        status=SituationReport.Status.QUEUED,
        version=report.version + 1,
        supersedes=report,
        correction_reason=_("Compiled again while in review."),
        compiled_by=user,
        compile_requested_at=timezone.now(),
    )
    ReportSection.objects.bulk_create(
        [
            ReportSection(report=copy, key=s.key, text=s.text, updated_by=user)
            for s in report.sections.all()
        ]
    )
    return copy


# --- Around meetings (what the beat task calls) ----------------------------------------------


def lead_time():
    return datetime.timedelta(
        hours=getattr(settings, "SITUATION_REPORT_LEAD_HOURS", DEFAULT_LEAD_HOURS)
    )


def meetings_needing_reports(now=None, hours=None):
    """Situation-group meetings starting within the lead time that have no report yet."""
    now = now or timezone.now()
    until = now + (datetime.timedelta(hours=hours) if hours is not None else lead_time())
    return (
        Meeting.objects.filter(
            body__kind=Body.Kind.SITUATION_GROUP, start__gt=now, start__lte=until, kind=Kind.MEETING
        )
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.MINUTES_APPROVED])
        .exclude(situation_reports__isnull=False)
        .values_list("pk", flat=True)
    )


def prepare_meeting_report(meeting_id):
    """Create (once) the report of a meeting. Returns the report's id."""
    meeting = Meeting.objects.select_related("municipality", "body").get(pk=meeting_id)
    report, _created = compiling.report_for_meeting(meeting)
    return report.pk


def after_compile(report_id):
    """For a meeting's report: put it in review, attach it to the agenda, tell the members.
    Each step is idempotent, so a retried task does not repeat them."""
    report = SituationReport.objects.select_related("meeting", "body", "municipality").get(
        pk=report_id
    )
    if report.meeting_id is None or report.version != 1:
        return 0
    if report.status == SituationReport.Status.DRAFT and report.submitted_at is None:
        report = submit_for_review(report, None)
    attach_to_agenda(report)
    return notify_members(report.pk)


def attach_to_agenda(report):
    meeting = report.meeting
    if meeting is None or meeting.is_locked:
        return
    try:
        meeting_services.fill_agenda(meeting)
    except Exception:  # the agenda is a convenience: the report stands without it
        logger.exception("could not refill the agenda of meeting %s", meeting.pk)


def notify_members(report_id):
    """E-mail the body's current members that the report is ready for review, once: the claim
    and the mails are written in one transaction, then sent (this runs in a worker)."""
    with transaction.atomic():
        claimed = SituationReport.objects.filter(
            pk=report_id, review_notified_at__isnull=True
        ).update(review_notified_at=timezone.now())
        if not claimed:
            return 0
        report = SituationReport.objects.select_related("meeting", "municipality").get(pk=report_id)
        users = {
            m.user
            for m in Membership.objects.current()
            .filter(body_id=report.body_id)
            .filter(Q(user__is_active=True) & ~Q(user__email=""))
            .select_related("user")
        }
        # Who subscribes to reports in review hears of it there, at their frequency (issue 17).
        subscribed = alerts.reviewers_subscribed(report.municipality_id, {u.pk for u in users})
        users = {u for u in users if u.pk not in subscribed}
        url = settings.SITE_URL + report.get_absolute_url()
        with translation.override(settings.LANGUAGE_CODE):
            when = (
                formats.date_format(timezone.localtime(report.meeting.start), "DATETIME_FORMAT")
                if report.meeting_id
                else ""
            )
            subject = _("Situation report ready for review: %(title)s") % {
                "title": report.display_title
            }
            mails = [
                outbox.Mail(
                    user.email,
                    subject,
                    render_to_string(
                        "situation_reports/email/report_ready.txt",
                        {"report": report, "user": user, "url": url, "when": when},
                    ),
                )
                for user in sorted(users, key=lambda u: u.pk)
            ]
        ids = outbox.queue(f"report-review:{report_id}", mails)
    outbox.deliver(ids)
    return len(users)

"""Review and approval of situation reports, and the scheduling around meetings.

Plain functions used by views, tasks, the command and the demo. Draft → in review → approved;
an approved report never changes again (the model refuses it); a correction is a new version
that supersedes it.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from councils.permissions import can_approve_for_body
from trygghet import outbox

from . import report_compile
from .report_models import ReportComment, ReportSection, SituationReport

logger = logging.getLogger(__name__)

DEFAULT_LEAD_HOURS = 24


class WorkflowError(ValueError):
    """A step that is not possible in the report's state; the message is for the user."""


# --- Who may do what --------------------------------------------------------------------------


def _body_membership(report, user):
    from councils.models import Membership

    if report.body_id is None:
        return None
    return (
        Membership.objects.current()
        .filter(body_id=report.body_id, user=user)
        .order_by("role")
        .first()
    )


def can_comment(report, membership):
    """Managers, and the current members of the report's body (police, rescue service and
    companies sit in Örat mot marken as partners)."""
    if report.is_approved or report.is_pending:
        return False
    if membership.is_manager:
        return True
    if report.body_id is None:
        return membership.role == "member"
    return _body_membership(report, membership.user) is not None


def can_approve(report, membership):
    """The approval rule of ``councils.permissions``, the same as for minutes: managers, and
    the current chair and vice chair of the report's body."""
    return can_approve_for_body(membership, report.municipality_id, report.body_id)


def detail_level(membership):
    """How much of an incident's details a reader may see in a report.

    ``all``: public authorities (restricted incidents too); ``open``: others inside the
    municipality (details of open incidents only); ``aggregates``: private companies' partners
    see numbers only (GDPR art. 10 and the partnership's terms). Whoever is not ``all`` gets
    the figures of open incidents only (``report_compile.figures_for``, the count rule).
    """
    if membership.can_read_restricted:
        return "all"
    if membership.role == "partner":
        return "aggregates"
    return "open"


# --- Steps -------------------------------------------------------------------------------------


def _locked(report_id):
    return SituationReport.objects.select_for_update().get(pk=report_id)


def submit_for_review(report, user):
    with transaction.atomic():
        report = _locked(report.pk)
        if report.status != SituationReport.Status.DRAFT:
            raise WorkflowError(_("Only a draft can be sent for review."))
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
        report.status = SituationReport.Status.APPROVED
        report.approved_at = timezone.now()
        report.approved_by = user
        report.save()
    return report


def recompile(report, user):
    with transaction.atomic():
        report = _locked(report.pk)
        report.check_editable()
        if report.status != SituationReport.Status.DRAFT:
            raise WorkflowError(_("Only a draft can be compiled again."))
        report_compile.request_recompile(report, user)
    enqueue_compile(report)
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
            title=report.title,
            body_id=report.body_id,
            meeting_id=report.meeting_id,
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
    return copy


# --- Tasks' helpers ----------------------------------------------------------------------------


def enqueue_compile(report):
    """Send the compile task after the transaction commits. If the broker is down the report
    stays queued (the page says so) and the periodic sweep sends it once the broker is back:
    the request never fails because of the broker."""
    # report_tasks imports this module: the task is looked up when it is sent.
    from .report_tasks import compile_situation_report

    compile_situation_report.enqueue(report.municipality_id, report.pk)


def lead_time():
    return datetime.timedelta(
        hours=getattr(settings, "SITUATION_REPORT_LEAD_HOURS", DEFAULT_LEAD_HOURS)
    )


def meetings_needing_reports(now=None, hours=None):
    """Situation-group meetings starting within the lead time that have no report yet."""
    from councils.models import Body
    from meetings.models import Meeting

    now = now or timezone.now()
    until = now + (datetime.timedelta(hours=hours) if hours is not None else lead_time())
    return (
        Meeting.objects.filter(
            body__kind=Body.Kind.SITUATION_GROUP, start__gt=now, start__lte=until, kind="meeting"
        )
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.MINUTES_APPROVED])
        .exclude(situation_reports__isnull=False)
        .values_list("pk", flat=True)
    )


def prepare_meeting_report(meeting_id):
    """Create (once) the report of a meeting. Returns the report's id."""
    from meetings.models import Meeting

    meeting = Meeting.objects.select_related("municipality", "body").get(pk=meeting_id)
    report, _created = report_compile.report_for_meeting(meeting)
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
    from meetings import services as meeting_services

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
    from councils.models import Membership

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
        url = settings.SITE_URL + report.get_absolute_url()
        with translation.override(settings.LANGUAGE_CODE):
            when = (
                formats.date_format(timezone.localtime(report.meeting.start), "DATETIME_FORMAT")
                if report.meeting_id
                else ""
            )
            subject = _("Situation report ready for review: %(title)s") % {"title": report.title}
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

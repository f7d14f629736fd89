"""Creating and compiling situation reports: the period a report covers, a report waiting to be
compiled, and the compile that freezes its figures (``figures.compute``). Plain functions used
by the task, the views, the management command and the demo alike.

``compile_report(report_id)`` freezes the figures into the report inside one transaction: a
worker killed half-way leaves the row as it was (waiting), and the redelivered task completes it.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from councils.models import Body
from meetings.models import Kind, Meeting

from ..models import ReportKind, SituationReport
from ..models.reports import title_parameters
from . import figures, plans, strategic

# --- Periods ---------------------------------------------------------------------------------


def situation_group(municipality):
    return (
        Body.objects.filter(
            municipality=municipality, kind=Body.Kind.SITUATION_GROUP, is_active=True
        )
        .order_by("pk")
        .first()
    )


def last_meeting_of(body, before):
    if body is None:
        return None
    return (
        Meeting.objects.filter(body=body, start__lt=before)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


def default_period(municipality, *, days=None, today=None, body=None):
    """Since the situation group's last meeting (until today), or the last ``days`` days."""
    today = today or timezone.localdate()
    if days:
        return today - datetime.timedelta(days=days - 1), today
    body = body or situation_group(municipality)
    now = timezone.now()
    last = last_meeting_of(body, now)
    if last is not None:
        start = timezone.localdate(last.start)
        if start <= today:
            return start, today
    return today - datetime.timedelta(days=13), today


def meeting_period(meeting):
    """The period a meeting's report covers: since the body's previous meeting (or 14 days)
    up to the day before the meeting."""
    end = timezone.localdate(meeting.start) - datetime.timedelta(days=1)
    previous = meeting.previous_meeting()
    if previous is not None:
        start = timezone.localdate(previous.start)
    else:
        start = end - datetime.timedelta(days=13)
    start = min(start, end)
    return start, end


def meeting_for_period(body, start, end):
    """The meeting of ``body`` whose report covers the period ``start``–``end``, or None (a
    free period): the first meeting after the period, when its report's period
    (``meeting_period``) starts on ``start`` and does not end before ``end``. "Since the last
    meeting" (until today) is thus the next meeting's period, and a past meeting's own dates are
    that meeting's. On the meeting's own day, until it starts, "since the last meeting" until
    today is still its period (the meeting has not happened yet)."""
    if body is None:
        return None
    after = (
        Meeting.objects.filter(body=body, kind=Kind.MEETING)
        .filter(Q(start__date__gt=end) | Q(start__date=end, start__gt=timezone.now()))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
        .first()
    )
    if after is None:
        return None
    first, last = meeting_period(after)
    last = max(last, min(end, timezone.localdate(after.start)))
    if first == start and start <= end <= last:
        return after
    return None


# --- Creating and compiling reports -----------------------------------------------------------


def stored_title(params):
    """The title kept in the ``title`` column: in the site's language (pages render
    ``display_title`` in the reader's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return SituationReport(title_params=params).display_title[:200]


def create_report(
    municipality,
    start,
    end,
    *,
    user=None,
    body=None,
    meeting=None,
    kind=ReportKind.OPERATIONAL,
    action_plan=None,
):
    """A new report waiting to be compiled (status queued)."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    params = title_parameters(municipality, start, end, meeting, kind=kind)
    return SituationReport.objects.create(
        municipality=municipality,
        kind=kind,
        title=stored_title(params),
        title_params=params,
        body=body,
        meeting=meeting,
        action_plan=action_plan,
        period_start=start,
        period_end=end,
        compiled_by=user,
        compile_requested_at=timezone.now(),
    )


def strategic_bodies(municipality):
    """The bodies that may own a strategic lägesbild: the strategic council, the preparation
    group (lag 2023:196: the municipality's lägesbild; Burlöv's council "ansvarar för …
    lägesbilder och analyser", the preparation group produces them), and a crime-prevention
    council where a municipality has one instead (Eslöv's "Rådet för hälsa och trygghet")."""
    return Body.objects.filter(
        municipality=municipality,
        kind__in=[Body.Kind.STRATEGIC_COUNCIL, Body.Kind.PREPARATION_GROUP, Body.Kind.COUNCIL],
        is_active=True,
    ).order_by("kind", "name")


def create_strategic_report(municipality, body, start, end, *, user=None):
    """A new strategic lägesbild waiting to be compiled, owned by ``body``."""
    return create_report(municipality, start, end, user=user, body=body, kind=ReportKind.STRATEGIC)


def report_for_meeting(meeting):
    """The (version-1) report of a meeting, created if missing. Two callers racing get the
    same row: the unique constraint decides, the loser reads the winner's row."""
    existing = SituationReport.objects.filter(meeting=meeting, version=1).first()
    if existing is not None:
        return existing, False
    start, end = meeting_period(meeting)
    try:
        with transaction.atomic():
            report = create_report(
                meeting.municipality, start, end, body=meeting.body, meeting=meeting
            )
            return report, True
    except IntegrityError:
        return SituationReport.objects.get(meeting=meeting, version=1), False


def compile_report(report_id):
    """Compute and freeze the figures of a report waiting for them (queued or compiling).
    Idempotent: a report that already has its figures is left alone (recompiling a draft is
    explicit: ``request_recompile`` puts it back in the queue first).

    Everything happens in one transaction with the row locked: two workers compiling the same
    report run one after the other (the second finds it done), and a worker killed half-way
    leaves nothing written.
    """
    with transaction.atomic():
        report = (
            SituationReport.objects.select_for_update()
            .select_related("municipality")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return None
        if report.status not in SituationReport.PENDING:
            return report
        if report.is_follow_up:
            data = plans.compute_follow_up(report)
        else:
            compute = strategic.compute if report.is_strategic else figures.compute
            data = compute(report.municipality, report.period_start, report.period_end)
        report.data = data
        report.compiled_at = timezone.now()
        report.status = SituationReport.Status.DRAFT
        # Saved, not committed: a worker killed before the commit leaves nothing written (the
        # worker test holds a compile here and kills it: tests/situation_reports).
        report.save()
    return report


def mark_compiling(report, task_id=""):
    SituationReport.objects.filter(pk=report.pk, status__in=SituationReport.PENDING).update(
        status=SituationReport.Status.COMPILING,
        task_id=task_id[:64],
        compile_started_at=timezone.now(),
    )


def request_recompile(report, user):
    """Put a draft back in the queue (explicit: only a draft's figures may be replaced)."""
    report.check_editable()
    if report.status != SituationReport.Status.DRAFT:
        raise ValueError("Only a draft can be compiled again.")
    report.status = SituationReport.Status.QUEUED
    report.compile_requested_at = timezone.now()
    report.compiled_by = user
    report.save()
    return report


def stalled_reports(now=None, minutes=15):
    """Reports waiting to be compiled: queued (the broker was down when they were asked for)
    or compiling for longer than a compile takes (the worker died)."""
    now = now or timezone.now()
    return SituationReport.objects.filter(
        Q(status=SituationReport.Status.QUEUED)
        | Q(
            status=SituationReport.Status.COMPILING,
            compile_started_at__lt=now - datetime.timedelta(minutes=minutes),
        )
    ).values_list("pk", flat=True)

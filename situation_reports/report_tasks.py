"""Celery tasks of the situation report: thin wrappers that take ids and call the services.

Imported by ``SituationReportsConfig.ready`` (Celery's autodiscovery only finds ``tasks.py``,
which the incidents part of the app owns). Tasks are acknowledged late (global setting), so a
worker killed mid-compile leaves the message to be redelivered; the compile itself runs in one
transaction, so the killed attempt leaves nothing half-written.
"""

from celery import shared_task

from trygghet.celery import municipal_task
from trygghet.tenancy import each_municipality

from . import report_compile, report_workflow


@municipal_task(bind=True, name="situation_reports.compile_situation_report")
def compile_situation_report(self, municipality_id, report_id):
    from .report_models import SituationReport

    report = SituationReport.objects.filter(pk=report_id).first()
    if report is None:
        return None
    report_compile.mark_compiling(report, self.request.id or "")
    report = report_compile.compile_report(report_id)
    if report is not None and report.meeting_id:
        report_workflow.after_compile(report_id)
    return report_id


@shared_task(name="situation_reports.compile_reports_before_meetings")
def compile_reports_before_meetings(hours=None):
    """Beat: a report for every situation-group meeting starting within the lead time, and a
    sweep of reports left waiting (the broker was down, or a worker died), municipality by
    municipality."""
    sent = 0
    for municipality in each_municipality():
        ids = []
        for meeting_id in report_workflow.meetings_needing_reports(hours=hours):
            ids.append(report_workflow.prepare_meeting_report(meeting_id))
        ids.extend(report_compile.stalled_reports())
        for report_id in dict.fromkeys(ids):
            compile_situation_report.enqueue(municipality.pk, report_id)
        sent += len(ids)
    return sent

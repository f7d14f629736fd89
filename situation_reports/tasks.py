"""Celery tasks of the app: thin wrappers that take ids and call the services.

- the police open-data fetch (beat, every five minutes; retries of its own);
- the situation report: compile one report, and the beat's sweep before meetings.

Autodiscovered by Celery. The report tasks keep their explicit names: the beat's schedule
(``apps.py``) and the stored periodic tasks name them. Tasks are acknowledged late (global
setting), so a worker killed mid-compile leaves the message to be redelivered; the compile
itself runs in one transaction, so the killed attempt leaves nothing half-written.
"""

import logging
import math
import urllib.error

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from councils.models import Municipality
from trygghet.celery import municipal_task
from trygghet.tenancy import each_municipality, municipality_scope

from .models import PoliceImportSetting, SituationReport
from .services import compiling, plans, police, retention, workflow

logger = logging.getLogger(__name__)


# --- The police's open data ---------------------------------------------------------------------

# What a fetch may fail with: the API or the network down (HTTP errors such as 429 and 503 are
# URLErrors), or an answer that is not a list of events.
FETCH_ERRORS = (urllib.error.URLError, TimeoutError, ConnectionError, police.PoliceDataError)
RETRY_BACKOFF = 30  # seconds before the first retry, doubled for each next one


def retry_countdown(retries):
    """Seconds before retry number ``retries + 1``: the backoff, and never less than what is
    left of the 10-second throttle (issue #10: a retry after 6 s met the throttle and was
    logged as a success)."""
    backoff = RETRY_BACKOFF * 2**retries
    return math.ceil(max(backoff, police.wait_before_next_call()))


# Retries of its own (the throttle decides the countdown), not the base class's.
@shared_task(bind=True, autoretry_for=(), max_retries=3, soft_time_limit=120, time_limit=180)
def fetch_police_events(self, url=None):
    """Fetch the police's newest events for the municipalities that switched it on.

    Does nothing (and calls nobody) while no municipality has switched it on. The API is called
    at most every 10 seconds whichever worker runs this (``police.fetch_api``). Idempotent: an
    event already imported is counted, never added twice. A failed fetch is recorded on the
    settings, logged and retried; after the last retry the task fails (never a success).
    """
    municipalities = list(Municipality.objects.filter(police_import_setting__enabled=True))
    if not municipalities:
        return {"skipped": "no municipality has switched the import on"}
    try:
        events = police.fetch_api(url)
    except FETCH_ERRORS as error:
        record_failure(municipalities, error)
        logger.warning(
            "Police open data: the fetch failed (%s), attempt %s of %s",
            error,
            self.request.retries + 1,
            self.max_retries + 1,
        )
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
    if events is None:
        if self.request.retries:
            # A retry is owed a fetch: wait for the throttle rather than end as a success.
            raise self.retry(countdown=math.ceil(max(1, police.wait_before_next_call())))
        return {"skipped": "the police API was called less than 10 seconds ago"}
    # One feed for every municipality that switched it on: their scope, together.
    with municipality_scope(municipalities):
        summary = police.import_events(events, municipalities=municipalities)
        PoliceImportSetting.objects.update(
            last_fetched_at=timezone.now(),
            last_summary=summary.as_dict(),
            failed_fetches=0,
            last_error="",
        )
    logger.info("Police open data: %s", summary.as_dict())
    return summary.as_dict()


def record_failure(municipalities, error):
    with municipality_scope(municipalities):
        PoliceImportSetting.objects.update(
            failed_fetches=F("failed_fetches") + 1,
            last_error=str(error)[:300],
            last_failed_at=timezone.now(),
        )


# --- The situation report -----------------------------------------------------------------------


@municipal_task(bind=True, name="situation_reports.compile_situation_report")
def compile_situation_report(self, municipality_id, report_id):
    report = SituationReport.objects.filter(pk=report_id).first()
    if report is None:
        return None
    compiling.mark_compiling(report, self.request.id or "")
    report = compiling.compile_report(report_id)
    if report is not None and report.meeting_id:
        workflow.after_compile(report_id)
    return report_id


@shared_task(name="situation_reports.compile_reports_before_meetings")
def compile_reports_before_meetings(hours=None):
    """Beat: a report for every situation-group meeting starting within the lead time, and a
    sweep of reports left waiting (the broker was down, or a worker died), municipality by
    municipality."""
    sent = 0
    for municipality in each_municipality():
        ids = []
        for meeting_id in workflow.meetings_needing_reports(hours=hours):
            ids.append(workflow.prepare_meeting_report(meeting_id))
        ids.extend(compiling.stalled_reports())
        for report_id in dict.fromkeys(ids):
            compile_situation_report.enqueue(municipality.pk, report_id)
        sent += len(ids)
    return sent


# --- The action plan -------------------------------------------------------------------------


@shared_task(name="situation_reports.remind_plan_reviews")
def remind_plan_reviews():
    """Daily: remind the coordinators of each decided plan whose review is 90 days away, once
    per plan (``services.plans.remind_plan_reviews``)."""
    return sum(plans.remind_plan_reviews() for _municipality in each_municipality())


@shared_task(name="situation_reports.remind_measure_leads")
def remind_measure_leads():
    """Quarterly: remind each responsible person whose measure has no update this quarter,
    once per measure and quarter (``services.plans.remind_measure_leads``)."""
    return sum(plans.remind_measure_leads() for _municipality in each_municipality())


# --- Retention (gallring, issue 17) -------------------------------------------------------------


@shared_task(name="situation_reports.apply_retention_decisions")
def apply_retention_decisions():
    """Daily: apply the current retention decision of each municipality that has one
    (``services.retention.apply_current_decisions``; each run is logged per rule)."""
    return retention.apply_current_decisions()

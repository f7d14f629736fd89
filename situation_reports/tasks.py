"""Thin Celery wrappers around the police open-data import."""

import logging
import math
import urllib.error

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from councils.models import Municipality
from trygghet.tenancy import municipality_scope

from . import police
from .models import PoliceImportSetting

logger = logging.getLogger(__name__)

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

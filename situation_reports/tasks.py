"""Thin Celery wrappers around the police open-data import."""

import logging
import urllib.error

from celery import shared_task
from django.utils import timezone

from councils.models import Municipality
from trygghet.tenancy import municipality_scope

from . import police
from .models import PoliceImportSetting

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(urllib.error.URLError, TimeoutError, ConnectionError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def fetch_police_events(url=None):
    """Fetch the police's newest events for the municipalities that switched it on.

    Does nothing (and calls nobody) while no municipality has switched it on. The API is called
    at most every 10 seconds whichever worker runs this (``police.fetch_api``). Idempotent: an
    event already imported is counted, never added twice.
    """
    municipalities = list(Municipality.objects.filter(police_import_setting__enabled=True))
    if not municipalities:
        return {"skipped": "no municipality has switched the import on"}
    events = police.fetch_api(url)
    if events is None:
        return {"skipped": "the police API was called less than 10 seconds ago"}
    # One feed for every municipality that switched it on: their scope, together.
    with municipality_scope(municipalities):
        summary = police.import_events(events, municipalities=municipalities)
        PoliceImportSetting.objects.update(
            last_fetched_at=timezone.now(), last_summary=summary.as_dict()
        )
    logger.info("Police open data: %s", summary.as_dict())
    return summary.as_dict()

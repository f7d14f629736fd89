"""Thin Celery wrappers around the police open-data import."""

import logging
import urllib.error

from celery import shared_task
from django.utils import timezone

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
    settings = list(PoliceImportSetting.objects.filter(enabled=True).select_related("municipality"))
    if not settings:
        return {"skipped": "no municipality has switched the import on"}
    events = police.fetch_api(url)
    if events is None:
        return {"skipped": "the police API was called less than 10 seconds ago"}
    summary = police.import_events(events, municipalities=[s.municipality for s in settings])
    now = timezone.now()
    for setting in settings:
        setting.last_fetched_at = now
        setting.last_summary = summary.as_dict()
        setting.save(update_fields=["last_fetched_at", "last_summary"])
    logger.info("Police open data: %s", summary.as_dict())
    return summary.as_dict()

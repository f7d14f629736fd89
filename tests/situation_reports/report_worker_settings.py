"""Settings of the Celery workers started by the situation-report worker tests.

The production settings plus two knobs the tests turn through the environment:

- ``REPORT_COMPILE_HOLD_LOCK``: a compile that has written its figures waits, inside its
  transaction, for this PostgreSQL advisory lock, which the test holds: the test sees the worker
  waiting (``pg_locks``) and kills it half-way. Nothing in the application knows of it: the
  ``CompileHold`` app below listens to the report's ``post_save``.
- ``REPORT_VISIBILITY_TIMEOUT``: a short Redis visibility timeout, so the message of a killed
  worker is redelivered in seconds rather than an hour.
"""

import os

from django.apps import AppConfig

from trygghet.settings import *  # noqa: F403
from trygghet.settings import CELERY_BROKER_TRANSPORT_OPTIONS, INSTALLED_APPS

COMPILE_HOLD_LOCK = int(os.environ.get("REPORT_COMPILE_HOLD_LOCK", "0"))


class CompileHold(AppConfig):
    """Holds every compile of this worker after it wrote the report, before the commit."""

    name = "tests.situation_reports"
    label = "report_compile_hold"

    def ready(self):
        # Not at the top: the settings are imported before the models can be.
        from django.db import connection
        from django.db.models.signals import post_save

        from situation_reports.models import SituationReport

        def hold(sender, instance, **kwargs):
            if instance.status == SituationReport.Status.DRAFT:  # the compile's save
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMPILE_HOLD_LOCK])

        post_save.connect(hold, sender=SituationReport, weak=False)


if COMPILE_HOLD_LOCK:
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.situation_reports.report_worker_settings.CompileHold"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ.get("REPORT_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

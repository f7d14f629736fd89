"""Settings of the Celery workers started by the situation-report worker tests.

The production settings plus two knobs the tests turn through the environment: a pause inside
the compile transaction (so a test can kill the worker half-way) and a short Redis visibility
timeout (so the message of a killed worker is redelivered in seconds rather than an hour).
"""

import os

from trygghet.settings import *  # noqa: F403
from trygghet.settings import CELERY_BROKER_TRANSPORT_OPTIONS

SITUATION_REPORT_COMPILE_PAUSE = float(os.environ.get("REPORT_COMPILE_PAUSE", "0"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ.get("REPORT_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

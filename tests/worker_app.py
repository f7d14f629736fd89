"""The project's Celery app as the test workers run it (``start_worker``), with one knob the
worker tests turn through the environment:

``TEST_REDELIVER_AFTER`` (seconds): Redis hands the unacknowledged message of a dead worker to
another worker after this long (its visibility timeout; in production an hour), so a test can
kill a worker and see its task completed by the next one.
"""

import os

from trygghet.celery import app

if os.environ.get("TEST_REDELIVER_AFTER"):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(os.environ["TEST_REDELIVER_AFTER"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

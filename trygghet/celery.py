"""The Celery application and the one base class of every Trygghet task.

Every task (``@shared_task`` takes ``TrygghetTask`` as the app's ``task_cls``; a task for one
municipality uses ``@municipal_task``) gets the same four things:

- **Scope**: it runs with scoping on and no municipality in scope, so it reads municipal rows
  only inside ``scope(municipality=...)`` (``each_municipality``) or as a ``MunicipalTask``,
  never by accident (see ``trygghet.tenancy``).
- **Ids only**: arguments are plain values (ids, numbers, strings), never model instances,
  so a message means the same when it is run a minute or a day later, or twice.
- **Enqueued on commit**: ``task.enqueue(...)`` sends the message once the current
  transaction commits (never for rows that were rolled back), with one quick connection
  attempt; with the broker down it logs and returns, and the request goes on. Nothing is lost
  by it: what a task is for waits in the database (an outbox row, a queued report, a due
  reminder) and the beat's sweep sends it again.
- **Narrow retries with backoff**: a task is retried, with exponential backoff and jitter, only
  for what passes (the database, the broker, the network or a mail server unreachable:
  ``TRANSIENT_ERRORS``); a bug fails at once and is logged, it is not run five times more.
  Tasks with a back-off of their own (the outbox, the police fetch) set ``autoretry_for=()``.
"""

import logging
import os

from celery import Celery, Task, shared_task
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django_scopes import scope
from kombu.exceptions import OperationalError as BrokerOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")

logger = logging.getLogger(__name__)

# OSError covers ConnectionError, TimeoutError, socket and SMTP errors.
TRANSIENT_ERRORS = (OSError, DatabaseOperationalError, BrokerOperationalError)

_PLAIN = (int, str, float, bool, type(None))


def _plain(value):
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    return False


class TrygghetTask(Task):
    """Base of every task: scoped, ids only, enqueued on commit, narrow retries."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5  # seconds before the first retry, doubled for each next one
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args, **kwargs):
        with scope():
            return super().__call__(*args, **kwargs)

    def enqueue(self, *args, **kwargs):
        """Send this task with these arguments once the current transaction commits (at once
        outside a transaction). Never raises for a broker that is down (see the module)."""
        if not (_plain(args) and _plain(kwargs)):
            raise TypeError(f"{self.name}: tasks take ids and plain values, not {args!r}")
        transaction.on_commit(lambda: self._send(args, kwargs))

    def _send(self, args, kwargs):
        if self.app.conf.task_always_eager:
            self.apply_async(args, kwargs)
            return True
        try:
            # One quick connection attempt: a request must not hang on a broker that is down
            # (the default publish retries for seconds).
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
                self.apply_async(args, kwargs, connection=conn, retry=False)
        except (BrokerOperationalError, OSError):
            logger.warning("broker unavailable: %s%r waits for the sweep", self.name, args)
            return False
        return True


class MunicipalTask(TrygghetTask):
    """A task for one municipality: its first argument is the municipality's id, and the task
    body runs inside that municipality's scope."""

    def __call__(self, municipality_id, *args, **kwargs):
        # trygghet.tenancy imports the models, which need the app registry: not at import time.
        from trygghet.tenancy import municipality_scope

        with scope(), municipality_scope(municipality_id):
            return Task.__call__(self, municipality_id, *args, **kwargs)


def municipal_task(*args, **options):
    """``@shared_task`` for a task whose first argument is a municipality id."""
    return shared_task(*args, base=MunicipalTask, **options)


app = Celery("trygghet", task_cls=TrygghetTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

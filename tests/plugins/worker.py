"""Real Celery workers for the tests that need one: ``start_worker(...)``.

Each worker is a process of its own (``celery -A tests.worker_app worker --pool=solo``: the
project's Celery app, see ``tests/worker_app.py``) on the Redis broker and the test database,
so the tests using it run with ``transaction=True`` (a worker only sees committed rows);
``start_worker`` asks for ``transactional_db`` itself. It waits for the worker to say it is
ready, never for a time.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import database_url_for_processes, wait_until
from trygghet.celery import app

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """A started worker: ``.log`` (its log file), ``.output()`` (the log's text), ``.pid``,
    ``.succeeded()`` (tasks it finished), ``.kill()`` (SIGKILL: a crash) and ``.stop()``."""

    def __init__(self, name, process, log):
        self.name = name
        self.process = process
        self.log = log

    @property
    def pid(self):
        return self.process.pid

    def output(self):
        return self.log.read_text()

    def succeeded(self):
        return self.output().count("succeeded")

    def kill(self):
        """Kill the process as a crash would (no warm shutdown, nothing acknowledged)."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """A warm shutdown (SIGTERM), SIGKILL after 20 s; nothing if it has already exited."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    """``start_worker(name="worker", env=None, queues=None, cwd=None, redeliver_after=None)``
    starts a real worker of the project's Celery app and returns it once it is ready to take
    tasks (a ``Worker``).

    - ``env``: more environment variables (values are turned into strings), e.g. ``EMAIL_URL``;
    - ``queues``: the queues it consumes (default: Celery's default queue);
    - ``cwd``: its working directory (default: the checkout), e.g. for relative file paths;
    - ``redeliver_after``: seconds after which Redis gives the unacknowledged task of a dead
      worker to another one (``tests/worker_app.py``; default: an hour, as in production).

    The broker's queues are emptied before the first worker starts, so no task of an earlier
    test reaches it. Every worker is stopped at the end of the test, and the tail of its log
    printed (pytest shows it when the test fails).
    """
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.fail(f"a worker test needs Redis as broker, got {broker!r}")
    app.control.purge()
    started = []

    def start(name="worker", *, env=None, queues=None, cwd=None, redeliver_after=None):
        log = tmp_path / f"worker-{name}.log"
        environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url_for_processes(),
            "CELERY_BROKER_URL": broker,
            "TESTING": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CONN_MAX_AGE": "0",
            **({"TEST_REDELIVER_AFTER": redeliver_after} if redeliver_after else {}),
            **(env or {}),
        }
        environment = {key: str(value) for key, value in environment.items()}
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.worker_app",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{os.getpid()}@%h",
            *(["--queues", ",".join(queues)] if queues else []),
        ]
        with open(log, "w") as out:
            process = subprocess.Popen(
                command, cwd=cwd or ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(name, process, log)
        started.append(worker)
        wait_until(
            lambda: "ready." in worker.output() or process.poll() is not None,
            message=f"worker {name} to start",
        )
        if process.poll() is not None:
            pytest.fail(f"worker {name} did not start:\n{worker.output()[-3000:]}")
        return worker

    yield start
    for worker in started:
        worker.stop()
        print(f"--- worker {worker.name}\n{worker.output()[-3000:]}")

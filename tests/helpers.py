"""Plain helpers for tests that wait on other processes and threads (no fixtures here)."""

import socket
import threading
import time

import pytest
from django.db import connection


def wait_until(predicate, timeout=60, interval=0.1, message="condition", details=None):
    """Poll ``predicate`` until it returns something true, and return that; fail after
    ``timeout`` seconds (with ``details()`` in the message, when given). It waits for a state
    (a row written by a worker, a line in its log, a lock taken by another connection), never
    for a time: the timeout only stops a hung test, so it is generous. The one pause between
    two polls of the test suite is here."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            extra = f"\n{details()}" if details else ""
            pytest.fail(f"timed out after {timeout} s waiting for {message}{extra}")
        time.sleep(interval)


def free_port():
    """A TCP port of the loopback address that nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_processes():
    """The DATABASE_URL of the test database, for processes the tests start (workers)."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def run_at_once(work, times=2):
    """Run ``work()`` in ``times`` threads that start together (a barrier), as a task delivered
    twice or two workers would; each thread closes its own database connection. Returns the
    results in no particular order; an exception in a thread fails the test."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results

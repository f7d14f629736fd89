"""What the benchmark scripts share: Django set up from a plain ``python scripts/...`` run, and
the timing of a request by the test client.

Import it first (``import benchmark_common`` before any Django model), so the settings are
loaded before the apps are.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygghet.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(client, requests, request):
    """Median and 95th percentile in ms of ``requests`` calls of ``request(client)`` after one
    warm-up, and the queries of one more call (the warm-up fills the caches the page keeps)."""
    request(client)  # warm up
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = request(client)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        request(client)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, len(queries)

"""Police open data that never falls over (issue #10, finding 6): each record is checked and a
bad one is skipped with a counted, logged reason while the others of the batch are imported;
only https links to polisen.se are kept; a failed fetch is retried after the 10-second throttle
and counted as a failure, never as a success."""

import http.server
import logging
import threading
import time
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.cache import cache
from django.urls import reverse

from situation_reports import models
from situation_reports.models import Incident, PoliceImportSetting
from situation_reports.services import police
from trygghet import limits

pytestmark = pytest.mark.django_db

THROTTLE_KEY = "situation_reports:police-api-call"  # police.THROTTLE_KEY, as the cache knows it


def good(**fields):
    return {
        "id": 1,
        "datetime": "2025-04-09 12:00:00 +02:00",
        "name": "09 april 11.58, Brand, Burlöv",
        "summary": "Brand i förråd.",
        "url": "/aktuellt/handelser/2025/april/9/09-april-11.58-brand-burlov/",
        "type": "Brand",
        "location": {"name": "Burlöv", "gps": "55.63,13.07"},
        **fields,
    }


def nested(depth):
    value = "Burlöv"
    for _ in range(depth):
        value = [value]
    return value


MALFORMED = [
    ("none", None),
    ("a string", "Brand i Burlöv"),
    ("a list", [1, 2, 3]),
    ("an empty object", {}),
    ("no id", {k: v for k, v in good().items() if k != "id"}),
    ("id not a number", good(id="x")),
    ("id a boolean", good(id=True)),
    ("id a fraction", good(id=1.5)),
    ("id over bigint", good(id=2**63)),
    ("id huge", good(id=10**30)),
    ("id negative", good(id=-1)),
    ("no datetime", {k: v for k, v in good().items() if k != "datetime"}),
    ("datetime a number", good(datetime=20250409)),
    ("year 1 with an offset", good(datetime="0001-01-01 00:30:00 +02:00")),
    ("year 9999 with an offset", good(datetime="9999-12-31 23:30:00 -02:00")),
    ("year 1999", good(datetime="1999-12-31 12:00:00 +01:00")),
    ("impossible datetime", good(datetime="2025-13-45 99:99:99 +02:00")),
    ("offset of a day", good(datetime="2025-04-09 12:00:00 +25:00")),
    ("name a number", good(name=12345)),
    ("summary a number", good(summary=3.14)),
    ("type a list", good(type=["Brand"])),
    ("location a string", good(location="Burlöv")),
    ("location name a number", good(location={"name": 1231})),
    ("location name deeply nested", good(location={"name": nested(500)})),
    ("summary deeply nested", good(summary={"a": nested(500)})),
    ("NUL in the summary", good(summary="Brand\x00 i förråd")),
    ("NUL in the type", good(type="Brand\x00")),
    ("lone surrogate in the name", good(name="09 april 11.58, Brand\ud800, Burlöv")),
    ("escape in the location", good(location={"name": "Burlöv\x1b[2J"})),
    ("huge summary", good(summary="x" * (limits.MAX_TEXT_LENGTH + 1))),
    ("url a number", good(url=123)),
]


@pytest.mark.parametrize("bad", [bad for _label, bad in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_record_is_skipped_counted_and_logged_and_the_batch_imported(
    burlov, categories, caplog, bad
):
    with caplog.at_level(logging.WARNING, logger="situation_reports.services.police"):
        summary = police.import_events([good(id=1), bad, good(id=2)])
    assert sorted(Incident.objects.values_list("police_id", flat=True)) == [1, 2]
    assert summary.imported == 2
    assert summary.skipped[police.SKIP_MALFORMED] == 1
    assert sum(summary.malformed.values()) == 1
    assert "malformed" in caplog.text
    assert list(summary.lines())  # the summary still prints


def test_the_skipped_reasons_are_in_the_summary(burlov, categories):
    summary = police.import_events([good(id="x"), good(id=2, datetime="igår"), good(id=3)])
    assert summary.malformed == {"id is not a positive whole number": 1, "unreadable datetime": 1}
    assert summary.as_dict()["malformed"] == dict(summary.malformed)
    assert any("unreadable datetime: 1" in line for line in summary.lines())


def test_a_record_the_database_refuses_never_fails_the_batch(burlov, categories, monkeypatch):
    """Whatever slips past the checks: the batch is saved record by record."""
    events = [good(id=1), good(id=2), good(id=3)]
    original = police._insert

    def refuse_two(rows):
        # The database refusing one record (as PostgreSQL's COPY or an INSERT would).
        if any(row["police_id"] == 2 for row in rows):
            from django.db import DataError

            raise DataError("value out of range")
        return original(rows)

    monkeypatch.setattr(police, "_insert", refuse_two)
    summary = police.import_events(events)
    assert sorted(Incident.objects.values_list("police_id", flat=True)) == [1, 3]
    assert summary.imported == 2
    assert summary.malformed == {"refused by the database": 1}
    assert Incident.history.filter(police_id__in=[1, 3]).count() == 2


def test_a_deeply_nested_file_is_refused_as_police_data_not_a_crash(tmp_path):
    path = tmp_path / "events.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(police.PoliceDataError):
        police.load_events(path)


@pytest.mark.parametrize(
    "url, kept",
    [
        ("/aktuellt/handelser/x/", "https://polisen.se/aktuellt/handelser/x/"),
        ("https://polisen.se/aktuellt/x/", "https://polisen.se/aktuellt/x/"),
        ("https://www.polisen.se/aktuellt/x/", "https://www.polisen.se/aktuellt/x/"),
        ("HTTPS://POLISEN.SE/aktuellt/x/", "https://polisen.se/aktuellt/x/"),
        ("javascript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(document.cookie)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("http://polisen.se/aktuellt/x/", ""),
        ("https://polisen.se.evil.example/x", ""),
        ("https://evil.example/polisen.se/", ""),
        ("//evil.example/x", ""),
        ("/\\evil.example/x", ""),
        ("https://user@polisen.se/x", ""),
        ("https://polisen.se\\@evil.example/", ""),
        ("https://polisen.se:8443/x", ""),
        ("https://polisen.se:abc/x", ""),
        ("https://polisen.se/x\nSet-Cookie: a=b", ""),
        ("https://polisen.se/" + "x" * 500, ""),
        ("", ""),
    ],
)
def test_only_https_links_to_polisen_se_are_kept(url, kept):
    assert models.police_link(url) == kept


def test_a_javascript_url_is_dropped_and_the_event_kept(burlov, categories, caplog):
    with caplog.at_level(logging.INFO, logger="situation_reports.services.police"):
        summary = police.import_events([good(url="javascript:alert(1)")])
    incident = Incident.objects.get()
    assert incident.police_url == ""
    assert summary.dropped_links == 1


def test_the_database_refuses_a_link_that_is_not_polisen_se(burlov, categories):
    from django.db import IntegrityError, transaction

    police.import_events([good()])
    for url in ("javascript:alert(1)", "http://polisen.se/x", "https://evil.example/"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Incident.objects.update(police_url=url)


def test_the_detail_page_links_only_to_polisen_se(login, coordinator, burlov, categories):
    police.import_events([good()])
    incident = Incident.objects.get()
    html = login(coordinator).get(incident.get_absolute_url()).content.decode()
    assert 'href="https://polisen.se/aktuellt/handelser/2025/april/9/' in html
    incident.police_url = "javascript:alert(1)"  # as if stored before the constraint
    assert incident.police_link == ""


# --- The periodic task ----------------------------------------------------------------------


class FailingHandler(http.server.BaseHTTPRequestHandler):
    status = 503
    calls = 0

    def do_GET(self):
        type(self).calls += 1
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_api():
    FailingHandler.calls = 0
    server = http.server.HTTPServer(("127.0.0.1", 0), FailingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cache.delete(THROTTLE_KEY)
    yield f"http://127.0.0.1:{server.server_port}/api/events"
    server.shutdown()
    cache.delete(THROTTLE_KEY)


@pytest.fixture
def switched_on(burlov, categories):
    return PoliceImportSetting.objects.create(municipality=burlov, enabled=True)


class Outcome:
    def __init__(self, state, result, countdown):
        self.state, self.result, self.countdown = state, result, countdown


def run_task(url, retries=0):
    """The task once, as a worker runs it (attempt ``retries + 1``): its state, result and the
    countdown of the retry it asked for."""
    from situation_reports.tasks import fetch_police_events

    with mock.patch.object(fetch_police_events, "retry", side_effect=Retry()) as retry:
        try:
            result = fetch_police_events.apply(kwargs={"url": url}, retries=retries)
        except Retry:  # eager tasks propagate what they raise
            state, value = "RETRY", None
        else:
            state, value = result.state, result.result
    countdown = retry.call_args.kwargs["countdown"] if retry.called else None
    return Outcome(state, value, countdown)


def test_a_failed_fetch_is_retried_after_the_throttle_and_counted_as_a_failure(
    failing_api, switched_on, caplog
):
    with caplog.at_level(logging.WARNING, logger="situation_reports.tasks"):
        outcome = run_task(failing_api)
    assert FailingHandler.calls == 1
    assert outcome.state == "RETRY"
    assert outcome.countdown >= police.MIN_SECONDS_BETWEEN_CALLS
    assert outcome.countdown >= police.wait_before_next_call()
    assert "failed" in caplog.text
    switched_on.refresh_from_db()
    assert switched_on.failed_fetches == 1
    assert "503" in switched_on.last_error
    assert switched_on.last_fetched_at is None


def test_a_retry_that_meets_the_throttle_waits_again_and_is_not_a_success(failing_api, switched_on):
    run_task(failing_api)  # fails, and its call starts the 10-second throttle
    outcome = run_task(failing_api, retries=1)
    assert FailingHandler.calls == 1  # the throttle held: the API was not called again
    assert outcome.state == "RETRY"
    assert police.wait_before_next_call() <= outcome.countdown


def test_the_periodic_run_within_the_throttle_is_skipped_quietly(failing_api, switched_on):
    cache.set(THROTTLE_KEY, time.time(), police.MIN_SECONDS_BETWEEN_CALLS)  # just now
    outcome = run_task(failing_api)
    assert outcome.state == "SUCCESS" and "skipped" in outcome.result
    assert outcome.countdown is None


def test_a_success_after_failures_resets_the_count(switched_on, police_fixture_path):
    switched_on.failed_fetches, switched_on.last_error = 2, "HTTP Error 503"
    switched_on.save()
    from tests.situation_reports.test_police_import import FixtureHandler

    FixtureHandler.body = police_fixture_path.read_bytes()
    server = http.server.HTTPServer(("127.0.0.1", 0), FixtureHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cache.delete(THROTTLE_KEY)
    try:
        outcome = run_task(f"http://127.0.0.1:{server.server_port}/api/events")
    finally:
        server.shutdown()
        cache.delete(THROTTLE_KEY)
    assert outcome.state == "SUCCESS"
    switched_on.refresh_from_db()
    assert (switched_on.failed_fetches, switched_on.last_error) == (0, "")


def test_the_import_page_says_the_last_fetch_failed(login, coordinator, switched_on):
    switched_on.failed_fetches, switched_on.last_error = 3, "HTTP Error 503: Service Unavailable"
    switched_on.save()
    client = login(coordinator)
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("situation_reports:incident-import", kwargs={"municipality": "burlov"})
    ).content.decode()
    assert "failed 3 times" in html


def test_a_whole_answer_that_is_not_events_is_a_failure(switched_on, monkeypatch):
    monkeypatch.setattr(police, "load_events", mock.Mock(side_effect=police.PoliceDataError("x")))
    cache.delete(THROTTLE_KEY)
    outcome = run_task("http://127.0.0.1:9/api/events")
    assert outcome.state == "RETRY" and outcome.countdown >= police.MIN_SECONDS_BETWEEN_CALLS
    switched_on.refresh_from_db()
    assert switched_on.failed_fetches == 1


def test_after_the_last_retry_the_task_fails_never_succeeds(failing_api, switched_on):
    import urllib.error

    from situation_reports.tasks import fetch_police_events

    with pytest.raises(urllib.error.HTTPError):
        fetch_police_events.apply(kwargs={"url": failing_api}, retries=3)
    switched_on.refresh_from_db()
    assert switched_on.failed_fetches == 1 and switched_on.last_fetched_at is None


def test_the_database_refusing_a_record_in_the_copy_keeps_the_others(burlov, categories):
    """A real refusal by PostgreSQL during COPY (a check constraint): the batch falls back to
    one record at a time, and only the refused one is left out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE situation_reports_incident ADD CONSTRAINT test_no_two "
            "CHECK (police_id IS NULL OR police_id <> 2)"
        )
    summary = police.import_events([good(id=1), good(id=2), good(id=3)])
    assert sorted(Incident.objects.values_list("police_id", flat=True)) == [1, 3]
    assert summary.imported == 2 and summary.malformed == {"refused by the database": 1}
    assert Incident.history.filter(police_id__in=[1, 3]).count() == 2


def test_a_second_run_counts_what_is_there_without_importing_it_again(burlov, categories):
    first = police.import_events([good(id=1), good(id=2)])
    again = police.import_events([good(id=1), good(id=2), good(id=3)])
    assert (first.imported, again.imported, again.already_there) == (2, 1, 2)
    assert Incident.objects.count() == 3 and Incident.history.count() == 3

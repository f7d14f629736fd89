"""Exactly one report per meeting with real Celery workers (Redis broker, PostgreSQL):
a task run twice and two workers racing, a worker killed mid-compile, and the broker down when
a coordinator asks for a report."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from situation_reports.models import SituationReport
from situation_reports.services import compiling
from situation_reports.tasks import compile_reports_before_meetings, compile_situation_report
from tests.factories import MeetingFactory
from tests.helpers import wait_until
from trygghet.celery import app

from .report_helpers import incident

pytestmark = pytest.mark.django_db(transaction=True)

# Any number the application never uses for an advisory lock.
PAUSE_LOCK = 7301


@pytest.fixture
def compile_pauses_after_writing():
    """While this test's connection holds the advisory lock ``PAUSE_LOCK``, a compile that has
    written a report's figures waits for it, inside its transaction (a trigger that only
    this test installs): the moment to kill the worker. Yields ``release()``."""
    table = connection.ops.quote_name(SituationReport._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION tests_pause_compile() RETURNS trigger AS $$
            BEGIN
                IF NEW.compiled_at IS NOT NULL AND OLD.compiled_at IS NULL THEN
                    PERFORM pg_advisory_xact_lock({PAUSE_LOCK});
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER tests_pause_compile AFTER UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION tests_pause_compile();
            SELECT pg_advisory_lock({PAUSE_LOCK});
            """
        )

    def release():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                DROP TRIGGER IF EXISTS tests_pause_compile ON {table};
                DROP FUNCTION IF EXISTS tests_pause_compile();
                SELECT pg_advisory_unlock_all();
                """
            )

    try:
        yield release
    finally:
        release()


def _a_compile_waits_after_writing():
    """True while another connection waits for ``PAUSE_LOCK``: a compile that has written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND objid = %s AND pid <> pg_backend_pid()",
            [PAUSE_LOCK],
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def upcoming_meeting(burlov, situation_group, areas):
    for days in (1, 2, 3):
        incident(burlov, timezone.localdate() - datetime.timedelta(days=days), "theft")
    return MeetingFactory(body=situation_group, start=timezone.now() + datetime.timedelta(hours=12))


def test_two_workers_running_the_schedule_twice_make_exactly_one_report(
    start_worker, upcoming_meeting
):
    start_worker("a")
    start_worker("b")
    # The beat task sent four times at once, to two workers: they race for the same meeting.
    for _ in range(4):
        compile_reports_before_meetings.delay()
    wait_until(
        lambda: SituationReport.objects.filter(
            meeting=upcoming_meeting, status=SituationReport.Status.IN_REVIEW
        ).exists(),
        timeout=90,
        message="the meeting's report to be compiled",
    )
    # Let every queued task finish, then count.
    wait_until(
        lambda: not any((app.control.inspect(timeout=1).active() or {}).values()),
        message="the workers to be idle",
    )
    reports = SituationReport.objects.filter(meeting=upcoming_meeting)
    assert reports.count() == 1
    report = reports.get()
    assert report.data["totals"]["current"] == 3
    assert report.review_notified_at is not None


def _holds_uncommitted_write_on_reports():
    """True while another connection has written, and not committed, a report row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'situation_reports_situationreport'
              AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
            """
        )
        return cursor.fetchone()[0] > 0


# The advisory lock a held compile waits for (``report_worker_settings.CompileHold``).
HOLD_LOCK = 20261122


def _hold(statement):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {statement}(%s)", [HOLD_LOCK])


def _a_compile_is_held():
    """True while another connection waits for the hold lock (a compile, half-way)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND objid = %s AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [HOLD_LOCK],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_compile_leaves_no_half_report_and_the_retry_completes(
    start_worker, burlov, coordinator, compile_pauses_after_writing
):
    incident(burlov, timezone.localdate(), "theft")
    report = compiling.create_report(
        burlov, timezone.localdate() - datetime.timedelta(days=6), timezone.localdate()
    )
    doomed = start_worker("doomed", redeliver_after=3)
    compile_situation_report.delay(burlov.pk, report.pk)
    # The worker has computed and written the figures, inside its transaction, and waits.
    wait_until(_a_compile_waits_after_writing, message="the compile to write its figures")
    assert _holds_uncommitted_write_on_reports()
    doomed.kill()
    # Its connection, freed, finds the worker gone and rolls back.
    compile_pauses_after_writing()
    wait_until(lambda: not _holds_uncommitted_write_on_reports(), message="the rollback")
    # Nothing half-written: the row is as before the compile (no figures, not a draft).
    report.refresh_from_db()
    assert report.data == {}
    assert report.compiled_at is None
    assert report.status == SituationReport.Status.COMPILING
    # The message was never acknowledged: a new worker gets it again and completes the report.
    start_worker("rescuer", redeliver_after=3)
    wait_until(
        lambda: SituationReport.objects.get(pk=report.pk).status == SituationReport.Status.DRAFT,
        timeout=90,
        message="the redelivered task to complete the report",
    )
    report.refresh_from_db()
    assert report.data["totals"]["current"] == 1
    assert SituationReport.objects.count() == 1


def test_with_the_broker_down_the_page_works_and_the_report_is_compiled_once_it_is_back(
    start_worker, burlov, coordinator, client
):
    """What this proves: the web process cannot reach the broker (its broker address is pointed
    at a closed port for the request); the request still answers, the report stays queued, and
    the periodic sweep sends it once the broker is reachable again, to a real worker."""
    incident(burlov, timezone.localdate(), "theft")
    client.force_login(coordinator)
    real = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing there
    try:
        response = client.post(
            reverse("situation_reports:report-create", kwargs={"municipality": "burlov"}),
            {"period": "7"},
        )
        assert response.status_code == 302
        report = SituationReport.objects.get()
        assert report.status == SituationReport.Status.QUEUED
        page = client.get(report.get_absolute_url())
        assert page.status_code == 200
        assert "väntar på att sammanställas" in page.content.decode()
        listing = client.get(
            reverse("situation_reports:report-list", kwargs={"municipality": "burlov"})
        )
        assert listing.status_code == 200
    finally:
        app.conf.broker_url, app.conf.broker_write_url = real
    start_worker("sweeper")
    compile_reports_before_meetings.delay()  # what beat sends every 15 minutes
    wait_until(
        lambda: SituationReport.objects.get(pk=report.pk).status == SituationReport.Status.DRAFT,
        message="the queued report to be compiled",
    )
    assert SituationReport.objects.get(pk=report.pk).data["totals"]["current"] == 1

# ruff: noqa: F811  (fixtures imported from report_helpers are used as arguments)
"""Exactly one report per meeting with real Celery workers (Redis broker, PostgreSQL):
a task run twice and two workers racing, a worker killed mid-compile, and the broker down when
a coordinator asks for a report."""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from situation_reports.models import SituationReport
from situation_reports.services import compiling

from ..conftest import database_url_for_processes, wait_until
from .report_helpers import areas, incident, situation_group  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workers(transactional_db, settings):
    """``start(name, **env)`` starts a real worker (solo pool) and returns its process; all are
    stopped at the end. Workers use ``report_worker_settings`` (hold and visibility knobs)."""
    from trygghet.celery import app

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.fail(f"a worker test needs Redis as broker, got {broker!r}")
    app.control.purge()
    started = []

    def start(name, **extra_env):
        log = ROOT / "var" / f"test-report-worker-{name}.log"
        log.parent.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_processes(),
            "CELERY_BROKER_URL": broker,
            "TESTING": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": "tests.situation_reports.report_worker_settings",
            **{k: str(v) for k, v in extra_env.items()},
        }
        with open(log, "w") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "trygghet",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"report-{name}-{os.getpid()}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        wait_until(
            lambda: "ready." in log.read_text() or process.poll() is not None,
            timeout=60,
            message=f"worker {name} to start",
        )
        if process.poll() is not None:
            pytest.fail(f"worker {name} did not start:\n{log.read_text()[-3000:]}")
        process.log = log
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def upcoming_meeting(burlov, situation_group, areas):
    start = timezone.now() + datetime.timedelta(hours=12)
    for days in (1, 2, 3):
        incident(burlov, timezone.localdate() - datetime.timedelta(days=days), "theft")
    return Meeting.objects.create(
        municipality=burlov,
        body=situation_group,
        title="Örat mot marken",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )


def test_two_workers_running_the_schedule_twice_make_exactly_one_report(workers, upcoming_meeting):
    from situation_reports.tasks import compile_reports_before_meetings

    workers("a")
    workers("b")
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
    from trygghet.celery import app

    wait_until(
        lambda: not any((app.control.inspect(timeout=1).active() or {}).values()),
        timeout=60,
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
    workers, burlov, coordinator
):
    from situation_reports.tasks import compile_situation_report

    incident(burlov, timezone.localdate(), "theft")
    report = compiling.create_report(
        burlov, timezone.localdate() - datetime.timedelta(days=6), timezone.localdate()
    )
    _hold("pg_advisory_lock")  # a compile of the doomed worker stops before its commit
    try:
        doomed = workers("doomed", REPORT_COMPILE_HOLD_LOCK=HOLD_LOCK, REPORT_VISIBILITY_TIMEOUT=3)
        compile_situation_report.delay(burlov.pk, report.pk)
        # The worker has computed and written the figures, inside its transaction, and waits.
        wait_until(_a_compile_is_held, timeout=60, message="the compile to be held half-way")
        assert _holds_uncommitted_write_on_reports()
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        # The killed worker's connection gets the lock, finds its client gone and rolls back.
        _hold("pg_advisory_unlock")
    # Nothing half-written: the row is as before the compile (no figures, not a draft).
    wait_until(lambda: not _holds_uncommitted_write_on_reports(), timeout=30, message="rollback")
    report.refresh_from_db()
    assert report.data == {}
    assert report.compiled_at is None
    assert report.status == SituationReport.Status.COMPILING
    # The message was never acknowledged: a new worker gets it again and completes the report.
    workers("rescuer", REPORT_VISIBILITY_TIMEOUT=3)
    wait_until(
        lambda: SituationReport.objects.get(pk=report.pk).status == SituationReport.Status.DRAFT,
        timeout=90,
        message="the redelivered task to complete the report",
    )
    report.refresh_from_db()
    assert report.data["totals"]["current"] == 1
    assert SituationReport.objects.count() == 1


def test_with_the_broker_down_the_page_works_and_the_report_is_compiled_once_it_is_back(
    workers, burlov, coordinator, client
):
    """What this proves: the web process cannot reach the broker (its broker address is pointed
    at a closed port for the request); the request still answers, the report stays queued, and
    the periodic sweep sends it once the broker is reachable again, to a real worker."""
    from situation_reports.tasks import compile_reports_before_meetings
    from trygghet.celery import app

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
    workers("sweeper")
    compile_reports_before_meetings.delay()  # what beat sends every 15 minutes
    wait_until(
        lambda: SituationReport.objects.get(pk=report.pk).status == SituationReport.Status.DRAFT,
        timeout=60,
        message="the queued report to be compiled",
    )
    assert SituationReport.objects.get(pk=report.pk).data["totals"]["current"] == 1

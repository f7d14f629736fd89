"""A real Celery worker on Redis runs the generation and the agenda e-mail."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings import tasks
from meetings.models import Meeting, MeetingNotice
from trygghet.celery import app as celery_app
from trygghet.models import OutgoingEmail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout=60):
    """Poll until ``condition()`` is true; the timeout only stops a hung test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker(tmp_path):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("a worker test needs Redis as the broker (scripts/test.sh sets it)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": "filemail:///mails",
        "TESTING": "true",
        "PYTHONPATH": str(ROOT),
        "CONN_MAX_AGE": "0",
    }
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
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
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield tmp_path
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output.decode(errors="replace")[-3000:])


def test_a_real_worker_generates_meetings_and_sends_the_agenda_email(
    worker, make_series, seat, coordinator, client
):
    series = make_series(
        recurrence="weekly", start_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    tasks.generate_meetings.delay(weeks=3)
    assert wait_for(lambda: series.meetings.count() == 3)
    # Twice is harmless: checked at the end, once the solo worker (first in, first out) has
    # also run the e-mail task enqueued after it.
    tasks.generate_meetings.delay(weeks=3)

    meeting = series.meetings.order_by("start").first()
    client.force_login(coordinator)
    client.post(
        reverse("meetings:meeting-publish", kwargs={"municipality": "burlov", "pk": meeting.pk})
    )
    # Queued with the publication, sent by the worker through the outbox.
    assert MeetingNotice.objects.get(meeting=meeting, kind="agenda").recipients == 1
    assert wait_for(
        lambda: OutgoingEmail.objects.filter(key=f"agenda:{meeting.pk}", status="sent").exists()
    )
    mails = list((worker / "mails").glob("*.log"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert seat.user.email in text
    assert meeting.get_absolute_url() in text
    assert Meeting.objects.filter(series=series).count() == 3

"""A real Celery worker on Redis runs the generation and the agenda e-mail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import tasks
from meetings.models import Meeting, MeetingNotice
from tests.helpers import wait_until
from trygghet.models import OutgoingEmail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def worker(start_worker, tmp_path):
    """A worker whose mail goes to files under ``tmp_path / "mails"`` (its working directory:
    the file backend's path is relative)."""
    start_worker(cwd=tmp_path, env={"EMAIL_URL": "filemail:///mails"})
    return tmp_path


def test_a_real_worker_generates_meetings_and_sends_the_agenda_email(
    worker, make_series, seat, coordinator, client
):
    series = make_series(
        recurrence="weekly", start_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    tasks.generate_meetings.delay(weeks=3)
    wait_until(lambda: series.meetings.count() == 3, message="the worker to generate meetings")
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
    wait_until(
        lambda: OutgoingEmail.objects.filter(key=f"agenda:{meeting.pk}", status="sent").exists(),
        message="the worker to send the agenda",
    )
    mails = list((worker / "mails").glob("*.log"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert seat.user.email in text
    assert meeting.get_absolute_url() in text
    assert Meeting.objects.filter(series=series).count() == 3

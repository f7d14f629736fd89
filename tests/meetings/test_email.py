import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services, tasks
from meetings.models import MeetingNotice

pytestmark = pytest.mark.django_db


def test_publishing_emails_the_invited_members_a_link_after_commit(
    login, coordinator, seat, make_meeting, django_capture_on_commit_callbacks, eager_celery
):
    meeting = make_meeting()
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(
            reverse("meetings:meeting-publish", kwargs={"municipality": "burlov", "pk": meeting.pk})
        )
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[seat.user.email]]
    assert meeting.get_absolute_url() in mail.outbox[0].body
    meeting.refresh_from_db()
    assert meeting.status == "agenda_published"
    # Publishing again (an update) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("meetings:meeting-publish", kwargs={"municipality": "burlov", "pk": meeting.pk})
        )
    assert len(mail.outbox) == 1


def test_the_agenda_email_goes_out_once_even_if_the_task_runs_twice(seat, make_meeting):
    meeting = make_meeting()
    assert services.send_agenda_email(meeting.pk) == 1
    assert services.send_agenda_email(meeting.pk) == 0
    assert len(mail.outbox) == 1


def test_reminders_go_to_meetings_within_the_configured_hours_once(
    settings, seat, make_meeting, eager_celery, django_capture_on_commit_callbacks
):
    def send_due_reminders():
        # The sweep enqueues each reminder once its transaction commits (TrygghetTask.enqueue).
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_due_reminders()

    settings.MEETING_REMINDER_HOURS = 24
    soon = make_meeting(start=timezone.now() + datetime.timedelta(hours=20))
    later = make_meeting(start=timezone.now() + datetime.timedelta(hours=30))
    cancelled = make_meeting(start=timezone.now() + datetime.timedelta(hours=5))
    services.cancel_meeting(cancelled)
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert len(mail.outbox) == 1
    assert MeetingNotice.objects.filter(meeting=soon, kind="reminder").exists()
    assert not MeetingNotice.objects.filter(meeting=later).exists()
    settings.MEETING_REMINDER_HOURS = 48
    assert send_due_reminders() == 1
    assert len(mail.outbox) == 2


def test_a_title_with_a_newline_does_not_stop_its_agenda_and_reminder_mails(
    settings, seat, make_meeting
):
    """Finding 7 of issue 10: the subject was built from the title as it is, and a header with
    a newline is refused (BadHeaderError) on every retry, so the mails never went out."""
    settings.MEETING_REMINDER_HOURS = 24
    meeting = make_meeting(
        start=timezone.now() + datetime.timedelta(hours=20), title="Örat mot marken\r\nextra"
    )
    assert services.send_agenda_email(meeting.pk) == 1
    assert services.send_reminder(meeting.pk) == 1
    assert [m.subject.split(",")[0] for m in mail.outbox] == [
        "Dagordning: Örat mot marken extra",
        "Påminnelse: Örat mot marken extra",
    ]
    assert "Örat mot marken" in mail.outbox[0].body

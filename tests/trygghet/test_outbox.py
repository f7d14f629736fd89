"""The outbox: every mail is a row per recipient, written with the change that causes it, sent
once by a task, retried alone when it fails, and never lost when the broker is down.

The SMTP tests talk to a real SMTP server (aiosmtpd, ``tests/plugins/mail.py``)."""

import datetime
from contextlib import contextmanager

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting
from tests.factories import BodyFactory, MeetingFactory, MembershipFactory, make_user
from tests.helpers import free_port, run_at_once, wait_until
from trygghet import outbox, tasks
from trygghet.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(burlov):
    return BodyFactory(municipality=burlov)


@pytest.fixture
def members(body):
    """Four members of ``body``, in the order their mails are queued."""
    users = [make_user(f"burlov.ledamot{i}") for i in range(1, 5)]
    for user in users:
        MembershipFactory(body=body, user=user)
    return users


@pytest.fixture
def meeting(body, members):
    meeting = MeetingFactory(body=body)
    meeting_services.invite_members(meeting)
    return meeting


def publish_url(meeting):
    return reverse("meetings:meeting-publish", kwargs={"municipality": "burlov", "pk": meeting.pk})


def later(hours=24):
    return timezone.now() + datetime.timedelta(hours=hours)


# --- Subjects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "Möte\ni Arlöv",
        "Möte\r\ni Arlöv",
        "Möte\ri   Arlöv",
        "  Möte\ti\x0bArlöv \n",
        "Möte\u2028i\x85Arlöv",
        "Möte\x00 i\x1f Arlöv",
    ],
)
def test_a_subject_is_folded_to_one_line(raw):
    assert outbox.clean_subject(raw) == "Möte i Arlöv"


def test_a_subject_with_a_newline_is_queued_and_sent(coordinator):
    ids = outbox.queue("test:1", [outbox.Mail(coordinator.email, "Rad ett\nrad två", "Text")])
    assert outbox.deliver(ids) == 1
    assert mail.outbox[0].subject == "Rad ett rad två"


# --- Queued with the change, sent after commit -------------------------------------------------


def test_publishing_writes_the_rows_with_the_meeting_and_sends_after_commit(
    client, coordinator, members, meeting, django_capture_on_commit_callbacks, eager_celery
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(publish_url(meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_PUBLISHED
    rows = OutgoingEmail.objects.filter(key=f"agenda:{meeting.pk}")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(u.email for u in members)
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.PENDING}
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    assert all(row.sent_at and row.attempts == 1 for row in rows)


def test_the_same_mail_is_never_queued_twice_for_a_recipient(coordinator):
    message = outbox.Mail(coordinator.email, "Ämne", "Text")
    first = outbox.queue("test:1", [message, outbox.Mail(coordinator.email.upper(), "Ä", "T")])
    second = outbox.queue("test:1", [message])
    assert len(first) == 1
    assert second == first
    assert OutgoingEmail.objects.count() == 1
    assert outbox.deliver(first + second) == 1
    assert outbox.deliver(first) == 0
    assert len(mail.outbox) == 1


def test_a_mail_that_cannot_be_built_does_not_stop_the_others(coordinator):
    ids = outbox.queue(
        "test:1",
        [
            outbox.Mail("broken@example.org\nBcc: everyone@example.org", "Ämne", "Text"),
            outbox.Mail(coordinator.email, "Ämne", "Text"),
        ],
    )
    assert outbox.deliver(ids) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    broken = OutgoingEmail.objects.get(pk=ids[0])
    assert (broken.status, broken.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert broken.last_error.startswith("BadHeaderError")


# --- A real SMTP server ------------------------------------------------------------------------


def test_a_recipient_refused_once_gets_the_mail_on_the_retry_and_nobody_gets_two(
    smtp, client, coordinator, members, meeting, django_capture_on_commit_callbacks, eager_celery
):
    smtp.refuse = lambda n, address: "451 try again later" if n == 3 else None
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(publish_url(meeting))
    assert response.status_code == 302
    everyone = sorted(u.email for u in members)
    assert len(smtp.received) == 3
    (refused,) = set(everyone) - set(smtp.recipients())
    row = OutgoingEmail.objects.get(recipient=refused)
    assert (row.status, row.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert "451" in row.last_error
    assert row.next_attempt_at > timezone.now()

    # Before its back-off has passed the sweep leaves it alone; afterwards it sends only it.
    assert tasks.send_unsent_emails() == 0
    assert outbox.send_due(now=row.next_attempt_at) == 1
    assert sorted(smtp.recipients()) == everyone  # each exactly once
    assert outbox.send_due(now=later()) == 0
    assert len(smtp.received) == 4
    subject = str(smtp.received[0][1]["Subject"]).strip()  # folded, being non-ASCII
    assert subject.startswith("Dagordning: Örat mot marken")


def test_a_recipient_refused_for_good_stops_after_a_few_attempts(smtp, coordinator):
    smtp.refuse = lambda n, address: "550 no such user" if "nobody" in address else None
    ids = outbox.queue(
        "test:1",
        [
            outbox.Mail("nobody@example.org", "Ämne", "Text"),
            outbox.Mail(coordinator.email, "Ämne", "Text"),
        ],
    )
    assert outbox.deliver(ids) == 1
    now = timezone.now()
    for _ in range(outbox.PERMANENT_ATTEMPTS + 2):
        now = OutgoingEmail.objects.get(recipient="nobody@example.org").next_attempt_at
        outbox.send_due(now=now)
    row = OutgoingEmail.objects.get(recipient="nobody@example.org")
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, outbox.PERMANENT_ATTEMPTS)
    assert "550" in row.last_error
    assert smtp.recipients() == [coordinator.email]


def test_a_mail_server_that_is_down_delays_the_mail_and_loses_nothing(
    smtp, settings, coordinator, members
):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    ids = outbox.queue("test:1", [outbox.Mail(u.email, "Ämne", "Text") for u in members])
    assert outbox.deliver(ids) == 0
    rows = OutgoingEmail.objects.order_by("pk")
    # The first failure stops the run: the server is not there for the others either.
    assert [r.attempts for r in rows] == [1, 0, 0, 0]
    assert rows[0].last_error
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.PENDING}
    settings.EMAIL_PORT = smtp.port
    assert outbox.send_due(now=later()) == 4
    assert sorted(smtp.recipients()) == sorted(u.email for u in members)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_rows_at_once_send_each_once(smtp, members):
    ids = outbox.queue("test:1", [outbox.Mail(u.email, "Ämne", "Text") for u in members])
    run_at_once(lambda: outbox.deliver(ids))
    assert sorted(smtp.recipients()) == sorted(u.email for u in members)
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 4


# --- The broker down ---------------------------------------------------------------------------


@contextmanager
def broker_unreachable():
    """Point this process's broker at a closed port (nothing listens on port 9), with no
    pooled connection to the real one left to fall back on."""
    from trygghet.celery import app

    def drop_pooled_connections():  # the next use builds them again from the settings
        app._pool = None
        app.amqp._producer_pool = None

    real = app.conf.broker_url, app.conf.broker_write_url
    drop_pooled_connections()
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:9/0"
    try:
        yield
    finally:
        drop_pooled_connections()
        app.conf.broker_url, app.conf.broker_write_url = real


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_publishing_works_and_the_sweep_sends_the_mail_later(
    smtp, client, coordinator, members, meeting, start_worker
):
    """What this proves: the web process cannot reach the broker (its broker address points
    at a closed port for the request). The page answers, the meeting is published with its
    mails in the outbox, and the sweep sends them once the broker is back, through a real
    worker and a real SMTP server; a task delivered twice sends nothing twice."""
    client.force_login(coordinator)
    with broker_unreachable():
        response = client.post(publish_url(meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_PUBLISHED
    rows = OutgoingEmail.objects.filter(key=f"agenda:{meeting.pk}")
    assert rows.count() == 4
    assert not rows.exclude(status=OutgoingEmail.Status.PENDING).exists()
    assert smtp.received == []

    worker = start_worker(env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}"})
    tasks.send_unsent_emails.delay()  # what beat sends every minute
    wait_until(
        lambda: rows.filter(status=OutgoingEmail.Status.SENT).count() == 4,
        timeout=60,
        message="the sweep to send the agenda mails",
    )
    # The same work delivered again (a redelivered message, a second sweep) sends nothing.
    ids = list(rows.values_list("pk", flat=True))
    tasks.send_emails.delay(ids)
    tasks.send_unsent_emails.delay()
    wait_until(
        lambda: worker.succeeded() >= 3,
        timeout=60,
        message="the worker to run the repeated tasks",
    )
    assert sorted(smtp.recipients()) == sorted(u.email for u in members)


# --- Operators ---------------------------------------------------------------------------------


def test_the_sweep_is_scheduled_every_minute_and_expires_before_the_next(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="trygghet.tasks.send_unsent_emails")
    assert task.interval.every == 60 and task.interval.period == "seconds"
    assert 0 < task.expire_seconds < 60


def test_operators_find_failed_mails_in_the_admin_and_can_retry_them(client, coordinator):
    from councils.models import User

    operator = User.objects.create_superuser("drift", "drift@example.org", "x")
    ids = outbox.queue(
        "test:1",
        [outbox.Mail("a@example.org", "Skickat", "T"), outbox.Mail("b@example.org", "Fel", "T")],
    )
    OutgoingEmail.objects.filter(pk=ids[0]).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now()
    )
    OutgoingEmail.objects.filter(pk=ids[1]).update(
        status=OutgoingEmail.Status.FAILED, attempts=3, last_error="550 no such user"
    )
    client.force_login(operator)
    url = reverse("admin:trygghet_outgoingemail_changelist")
    page = client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [OutgoingEmail.objects.get(pk=ids[1])]
    assert "550 no such user" in page.content.decode()
    assert client.get(url, {"kind__exact": "test"}).context["cl"].result_count == 2
    change = reverse("admin:trygghet_outgoingemail_change", args=[ids[1]])
    assert client.get(change).status_code == 200

    client.post(url, {"action": "retry", "_selected_action": [ids[1]]})
    row = OutgoingEmail.objects.get(pk=ids[1])
    assert (row.status, row.attempts) == (OutgoingEmail.Status.PENDING, 0)
    assert outbox.send_due() == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]

"""The outbox: how every e-mail of the application leaves, exactly once, broker or not.

1. The change that causes mail (publishing an agenda, a reminder falling due, adding a
   person, ...) calls ``queue(key, mails)`` inside its own transaction: one ``OutgoingEmail``
   row per recipient, so the change and its mail commit together or not at all. ``key`` names
   the cause (``agenda:<meeting id>``); a (key, recipient) pair is queued once, ever.
2. A web request then calls ``send_after_commit(ids)``: the sending task is enqueued when the
   transaction commits; if the broker is down that costs a logged warning, not the request.
   Code that already runs in a worker calls ``deliver(ids)`` itself after its commit.
3. ``deliver`` sends each row on its own, holding the row's lock (``skip_locked``: a second
   worker skips it, then finds it sent), and marks it sent right after the SMTP server took it.
   A failure is recorded on the row (attempts, error) with a back-off; a refusal for good (5xx
   for that recipient) gives up after ``PERMANENT_ATTEMPTS``, anything else after
   ``MAX_ATTEMPTS``.
4. ``send_due``, the beat sweep every minute (``trygghet.tasks.send_unsent_emails``), sends
   every pending row whose back-off has passed: a broker outage or a failed attempt only delays
   mail. Operators see the rows, with filters, under *Outgoing e-mails* in the Django admin.
"""

import datetime
import logging
import smtplib
import unicodedata
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# A recipient the server refuses for good (5xx) is tried this often; anything else (the
# server unreachable, 4xx "try again later") this often, the pause doubling from a minute up
# to an hour between attempts (about 19 hours in all).
PERMANENT_ATTEMPTS = 3
MAX_ATTEMPTS = 24
FIRST_PAUSE = datetime.timedelta(minutes=1)
LONGEST_PAUSE = datetime.timedelta(hours=1)
SWEEP_BATCH = 500
# Failures of one recipient or message; any other error (the server unreachable, refusing our
# login or sender, a time limit) is the server's or ours, and the run stops until the sweep.
PER_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,  # e.g. a non-ASCII address the server cannot take
    ValueError,  # the message cannot be built (an address Django cannot encode, ...)
)
SUBJECT_LENGTH = 998  # RFC 5322's longest line


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    html: str = ""
    from_email: str = ""
    # Extra headers (List-Unsubscribe of an alert); never Message-ID, which the outbox sets.
    headers: dict = field(default_factory=dict)


def clean_subject(text):
    """The subject as one line: every run of white space or control characters (a newline in
    a meeting's title made Django refuse the header, BadHeaderError, on every retry) becomes
    one space."""
    spaced = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Zs") else c for c in str(text)
    )
    return " ".join(spaced.split())[:SUBJECT_LENGTH]


def queue(key, mails):
    """Write one pending row per recipient of ``mails`` for the cause ``key``, in the caller's
    transaction. Returns the ids of the cause's rows for these recipients (also those queued
    before, which ``deliver`` skips once sent)."""
    kind = key.split(":", 1)[0][:40]
    rows = {}
    for mail in mails:
        recipient = mail.to.strip()
        if recipient and recipient.lower() not in rows:
            rows[recipient.lower()] = OutgoingEmail(
                kind=kind,
                key=key,
                recipient=recipient,
                from_email=mail.from_email or "",
                subject=clean_subject(mail.subject),
                body=mail.body,
                html_body=mail.html,
                headers={k: clean_subject(v) for k, v in (mail.headers or {}).items()},
            )
    if not rows:
        return []
    OutgoingEmail.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return list(
        OutgoingEmail.objects.annotate(address=Lower("recipient"))
        .filter(key=key, address__in=list(rows))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_after_commit(ids):
    """Enqueue the sending task once the current transaction commits (broker down: the rows
    wait for the sweep)."""
    # trygghet.tasks imports this module: the task is looked up when it is sent.
    from .tasks import send_emails

    ids = list(ids)
    if ids:
        send_emails.enqueue(ids)


def deliver(ids, now=None):
    """Send each pending, due row of ``ids`` on its own. Returns how many were sent.

    Stops early when the mail server cannot be reached (the rest wait for the sweep)."""
    now = now or timezone.now()
    connection = get_connection()
    sent = 0
    try:
        for pk in ids:
            outcome = _send_one(pk, connection, now)
            if outcome == "sent":
                sent += 1
            elif outcome == "unreachable":
                break
    finally:
        _close(connection)
    return sent


def send_due(now=None, limit=SWEEP_BATCH):
    """The sweep: send every pending row whose (back-off) time has come."""
    now = now or timezone.now()
    ids = (
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver(list(ids), now=now)


def _send_one(pk, connection, now):
    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:  # sent, given up, not due, or being sent by another worker
            return None
        row.attempts += 1
        row.last_attempt_at = timezone.now()
        try:
            connection.open()  # kept open across rows; reopened after a failure
            connection.send_messages([_message(row)])
        except Exception as exc:
            _close(connection)
            return _record_failure(row, exc, now)
        row.status = OutgoingEmail.Status.SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["status", "sent_at", "attempts", "last_attempt_at"])
        return "sent"


def _message(row):
    message = EmailMultiAlternatives(
        row.subject,
        row.body,
        row.from_email or None,
        [row.recipient],
        # The same id if the row is ever sent twice (a crash between the SMTP server's yes and
        # the commit), so mail clients can tell it is one message.
        headers={
            **(row.headers or {}),
            "Message-ID": f"<outbox.{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{DNS_NAME}>",
        },
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    return message


def _record_failure(row, exc, now):
    """Record a failed attempt; returns "failed", or "unreachable" when no other row could be
    sent now either (the server, not this recipient or message, is the problem)."""
    per_message = isinstance(exc, PER_MESSAGE_ERRORS)
    code = _smtp_code(exc)
    refused_for_good = per_message and (code is None or code >= 500)
    limit = PERMANENT_ATTEMPTS if refused_for_good else MAX_ATTEMPTS
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= limit:
        row.status = OutgoingEmail.Status.FAILED
        logger.error("e-mail %s to %s given up: %s", row.pk, row.recipient, row.last_error)
    else:
        pause = min(FIRST_PAUSE * 2 ** (row.attempts - 1), LONGEST_PAUSE)
        row.next_attempt_at = now + pause
        logger.warning("e-mail %s to %s not sent: %s", row.pk, row.recipient, row.last_error)
    row.save(
        update_fields=["status", "attempts", "last_attempt_at", "last_error", "next_attempt_at"]
    )
    return "failed" if per_message else "unreachable"


def _smtp_code(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return max((code for code, _reply in exc.recipients.values()), default=None)
    return getattr(exc, "smtp_code", None)


def _close(connection):
    try:
        connection.close()
    except Exception:  # a connection that is already broken: nothing to close
        logger.debug("closing the mail connection failed", exc_info=True)

"""Thin Celery tasks: take ids, call a service. All are idempotent."""

from celery import shared_task

from . import services

RETRY = {
    "autoretry_for": (ConnectionError, TimeoutError, OSError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def generate_meetings(weeks=services.DEFAULT_HORIZON_WEEKS):
    created = services.generate_meetings(weeks=weeks)
    services.refresh_upcoming_agendas()
    return len(created)


# Publishing queues its mails itself (services.publish_agenda); this task is kept for messages
# sent before the outbox existed, and queues (once) and sends what is unsent.
@shared_task(**RETRY)
def send_agenda_email(meeting_id):
    return services.send_agenda_email(meeting_id)


@shared_task(**RETRY)
def send_reminder(meeting_id):
    return services.send_reminder(meeting_id)


@shared_task(**RETRY)
def send_due_reminders():
    ids = list(services.meetings_due_for_reminder())
    for meeting_id in ids:
        send_reminder.delay(meeting_id)
    return len(ids)

"""Thin Celery tasks: take ids, call a service. All are idempotent."""

from celery import shared_task

from trygghet.celery import municipal_task
from trygghet.tenancy import each_municipality

from . import services

RETRY = {
    "autoretry_for": (ConnectionError, TimeoutError, OSError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def generate_meetings(weeks=services.DEFAULT_HORIZON_WEEKS):
    created = 0
    for _municipality in each_municipality():
        created += len(services.generate_meetings(weeks=weeks))
        services.refresh_upcoming_agendas()
    return created


# Publishing queues its mails itself (services.publish_agenda); this task is kept for messages
# already on the broker: it queues (once) and sends what is unsent.
@municipal_task(**RETRY)
def send_agenda_email(municipality_id, meeting_id):
    return services.send_agenda_email(meeting_id)


@municipal_task(**RETRY)
def send_reminder(municipality_id, meeting_id):
    return services.send_reminder(meeting_id)


@shared_task(**RETRY)
def send_due_reminders():
    sent = 0
    for municipality in each_municipality():
        for meeting_id in list(services.meetings_due_for_reminder()):
            send_reminder.delay(municipality.pk, meeting_id)
            sent += 1
    return sent

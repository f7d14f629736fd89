from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import outbox


@shared_task
def clear_expired_sessions():
    """Delete expired sessions (what `manage.py clearsessions` does). Safe to run twice."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# No Celery retries for mail: a failed row keeps its own back-off (next_attempt_at) and the
# sweep sends it when that has passed, so the retry survives a broker or worker restart.


@shared_task(autoretry_for=())
def send_emails(ids):
    """Send these outbox rows, those still pending and due. Safe to run twice, or at once."""
    return outbox.deliver(ids)


@shared_task(autoretry_for=())
def send_unsent_emails():
    """Beat, every minute: send every pending row that is due (queued while the broker was
    down, or waiting after a failed attempt)."""
    return outbox.send_due()

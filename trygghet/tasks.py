from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import outbox


@shared_task
def sweep_orphan_files():
    """Beat, daily: remove the stored files that no row names, older than a day (an upload
    whose transaction rolled back). Safe to run twice, or at once."""
    from .attachments import sweep_orphan_files as sweep

    return len(sweep().removed)


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


# --- Subscriptions and alerts (issue 17, trygghet/alerts.py) -----------------------------------


@shared_task(autoretry_for=())
def build_alerts():
    """Beat, every minute: build the alerts of what is new and queue the immediate mails, then
    send them. Safe to run twice, or at once: each alert is mailed once."""
    from . import alerts

    return outbox.deliver(alerts.sweep())


@shared_task(autoretry_for=())
def send_alert_digests(frequency):
    """Beat, daily and weekly: one digest per person of their pending alerts."""
    from . import alerts

    return outbox.deliver(alerts.send_digests(frequency))

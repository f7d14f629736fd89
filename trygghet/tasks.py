from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5)
def clear_expired_sessions():
    """Delete expired sessions (what `manage.py clearsessions` does). Safe to run twice."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_lockout_notice(user_id, locked_until, address):
    """Tell a person that their account is locked (once per lock, however often it is asked)."""
    from .login import mail_lockout_notice

    return mail_lockout_notice(user_id, locked_until, address)

"""Celery tasks of the councils app: thin wrappers around ``councils.services``."""

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def remind_action_leads():
    """Quarterly: remind each lead whose action has no follow-up this quarter. Idempotent (one
    reminder per action and quarter, see ``services.remind_action_leads``)."""
    return services.remind_action_leads()

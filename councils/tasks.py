"""Celery tasks of the councils app: thin wrappers around ``councils.services``."""

from celery import shared_task

from trygghet.tenancy import each_municipality

from .services import reminders


@shared_task
def remind_action_leads():
    """Quarterly: remind each lead whose action has no follow-up this quarter, municipality by
    municipality. Idempotent (one reminder per action and quarter, see
    ``services.reminders.remind_action_leads``)."""
    return sum(reminders.remind_action_leads() for _municipality in each_municipality())

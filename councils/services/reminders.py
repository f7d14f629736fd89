"""Quarterly reminders to the leads of actions without a follow-up this quarter: recorded once
per action and quarter, mailed through the outbox."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils.models import Action, ActionReminder, ActionUpdate, Agreement
from trygghet import outbox


def quarter_of(day):
    quarter = (day.month - 1) // 3 + 1
    start = datetime.date(day.year, 3 * (quarter - 1) + 1, 1)
    return f"{day.year}Q{quarter}", start


def actions_needing_reminder(today=None):
    """Open actions of active agreements, with a lead who has an e-mail address, and with no
    follow-up since the quarter began."""
    today = today or timezone.localdate()
    quarter, start = quarter_of(today)
    updated = ActionUpdate.objects.filter(action=OuterRef("pk"), date__gte=start)
    return (
        Action.objects.open()
        .filter(
            focus_area__agreement__status=Agreement.Status.ACTIVE,
            start_date__lte=today,
            lead__is_active=True,
        )
        .exclude(lead__email="")
        .exclude(Exists(updated))
    )


def remind_action_leads(today=None):
    """Record one reminder per action and quarter, with its mail in the outbox, then send.

    The reminder row and its outbox row are written in one transaction; the unique (action,
    quarter) constraint means a second run, even a concurrent one, never records, so never
    queues, a second reminder, and the outbox sends each row once (trygghet/outbox.py): a run
    that dies after that commit leaves the mail to the outbox's sweep.
    Returns the number of mails sent by this call.
    """
    today = today or timezone.localdate()
    quarter, _start = quarter_of(today)
    ids = []
    for action in actions_needing_reminder(today).select_related("lead"):
        with transaction.atomic():
            # get_or_create copes with a concurrent run: the unique constraint decides.
            reminder, _created = ActionReminder.objects.get_or_create(
                action=action, quarter=quarter, defaults={"recipient": action.lead.email}
            )
            ids += queue_reminder(reminder.pk)
    # Reminders recorded but never queued (before the outbox existed) get their mail too.
    pending = ActionReminder.objects.filter(quarter=quarter, sent_at__isnull=True).values_list(
        "pk", flat=True
    )
    for reminder_id in list(pending):
        ids += queue_reminder(reminder_id)
    return outbox.deliver(ids)


def queue_reminder(reminder_id):
    """Queue the mail of one recorded reminder unless it has been queued (``sent_at`` is when
    it went to the outbox). The row lock makes two workers that hold the same id take turns;
    the second finds it queued. Returns the ids of the outbox rows written."""
    with transaction.atomic():
        reminder = (
            ActionReminder.objects.select_for_update()
            .select_related(
                "action__lead",
                "action__focus_area__agreement__municipality",
            )
            .get(pk=reminder_id)
        )
        if reminder.sent_at is not None:
            return []
        action = reminder.action
        lead = action.lead
        municipality = action.focus_area.agreement.municipality
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "action": action,
                "lead": lead,
                "municipality": municipality,
                "quarter": reminder.quarter,
                "url": base + action.get_absolute_url(),
            }
            subject = _("Follow-up of “%(action)s”") % {"action": action.title}
            body = render_to_string("councils/email/action_reminder.txt", context)
        ids = outbox.queue(
            f"action-reminder:{reminder.pk}",
            [outbox.Mail(reminder.recipient or lead.email, subject, body)],
        )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        return ids

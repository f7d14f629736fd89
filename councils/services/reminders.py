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


def remind_each_quarter(
    candidates, reminder_model, *, target, recipient, related, mail, key, today=None
):
    """Record one reminder per item and quarter, with its mail in the outbox, then send: the
    rule of the agreement's actions and of the action plan's measures.

    ``candidates`` are the items needing a reminder; ``reminder_model`` has a foreign key
    ``target`` to them, ``quarter``, ``recipient`` and ``sent_at``, and a unique (target,
    quarter) constraint; ``recipient(item)`` is the address, ``related`` what ``mail(reminder)``
    reads, ``key`` the outbox key's prefix.

    The reminder row and its outbox row are written in one transaction; the unique constraint
    means a second run, even a concurrent one, never records, so never queues, a second
    reminder, and the outbox sends each row once (trygghet/outbox.py): a run that dies after
    that commit leaves the mail to the outbox's sweep. Returns the number of mails sent.
    """
    today = today or timezone.localdate()
    quarter, _start = quarter_of(today)
    ids = []

    def queue(reminder_id):
        # The row lock makes two workers that hold the same id take turns; the second finds
        # it queued (``sent_at`` is when it went to the outbox).
        with transaction.atomic():
            reminder = (
                reminder_model.objects.select_for_update()
                .select_related(*related)
                .get(pk=reminder_id)
            )
            if reminder.sent_at is not None:
                return []
            with translation.override(settings.LANGUAGE_CODE):
                message = mail(reminder)
            queued = outbox.queue(f"{key}:{reminder.pk}", [message])
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
            return queued

    for item in candidates:
        with transaction.atomic():
            # get_or_create copes with a concurrent run: the unique constraint decides.
            reminder, _created = reminder_model.objects.get_or_create(
                **{target: item, "quarter": quarter}, defaults={"recipient": recipient(item)}
            )
            ids += queue(reminder.pk)
    # Reminders recorded but never queued (a run that died in between) get their mail too.
    pending = reminder_model.objects.filter(quarter=quarter, sent_at__isnull=True)
    for reminder_id in list(pending.values_list("pk", flat=True)):
        ids += queue(reminder_id)
    return outbox.deliver(ids)


def _action_reminder_mail(reminder):
    action = reminder.action
    lead = action.lead
    context = {
        "action": action,
        "lead": lead,
        "municipality": action.focus_area.agreement.municipality,
        "quarter": reminder.quarter,
        "url": getattr(settings, "SITE_URL", "").rstrip("/") + action.get_absolute_url(),
    }
    subject = _("Follow-up of “%(action)s”") % {"action": action.title}
    body = render_to_string("councils/email/action_reminder.txt", context)
    return outbox.Mail(reminder.recipient or lead.email, subject, body)


def remind_action_leads(today=None):
    """One reminder per action and quarter to its lead (``remind_each_quarter``)."""
    return remind_each_quarter(
        actions_needing_reminder(today).select_related("lead"),
        ActionReminder,
        target="action",
        recipient=lambda action: action.lead.email,
        related=("action__lead", "action__focus_area__agreement__municipality"),
        mail=_action_reminder_mail,
        key="action-reminder",
        today=today,
    )

"""The project app's one table: the outbox of every e-mail the application sends.

(The app also needs a models module for Django to send it post_migrate: its schedules.)
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One e-mail to one recipient. Written in the transaction of the change that causes it
    (publishing an agenda, adding a person, ...), sent by ``trygghet.outbox.deliver`` in a task,
    marked sent right after the SMTP server accepted it. ``key`` names the cause (e.g.
    ``agenda:<meeting id>``): the same mail is never queued twice for a recipient.
    See ``trygghet/outbox.py``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")

    kind = models.CharField(_("kind"), max_length=40)  # the key up to its first colon
    key = models.CharField(_("cause"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=254)
    from_email = models.CharField(_("sender"), max_length=254, blank=True)  # empty: the default
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One mail per cause and address, whatever the case of the address.
            models.UniqueConstraint(
                F("key"), Lower("recipient"), name="outgoing_email_once_per_cause_and_recipient"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outgoing_email_sent_at_iff_sent",
            ),
        ]
        indexes = [
            # The sweep's question, every minute: what is unsent and due?
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outgoing_email_due",
            ),
            models.Index(fields=["kind", "status"], name="outgoing_email_kind_status"),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"

"""Subscriptions and alerts (issue 17): the tables. The rules are in ``trygghet/alerts.py``.

- ``Subscription``: what one person (a user, in one municipality) wants to hear about, how
  often. Only the person's own rows are theirs to read (``restrict``).
- ``Alert``: one item (an incident, a meeting's change, a lägesbild in review, a late action)
  for one subscription, written once: the unique (subscription, item) pair means a sweep run
  twice, or an import run twice, never writes a second row, so never mails it twice.
- ``AlertCursor``: how far the minute sweep has read each municipality's new rows.

Imported by ``trygghet.models`` (Django finds models there).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager


class SubscriptionQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """A person's own subscriptions in the membership's municipality, nobody else's (an
        admin does not read what a colleague follows)."""
        return super().restrict(membership, action).filter(user=membership.user)

    def active(self):
        return self.filter(is_active=True)


class Subscription(MunicipalModel):
    class Kind(models.TextChoices):
        INCIDENTS = "incidents", _("new incidents")
        MEETING_CHANGES = "meeting_changes", _("changed or cancelled meetings")
        REVIEW = "review", _("situation reports waiting for my review")
        LATE_ACTIONS = "late_actions", _("my actions that are late")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("at once")
        DAILY = "daily", _("daily digest")
        WEEKLY = "weekly", _("weekly digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("about"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    # Incidents: empty means every category (area) the person may read.
    categories = models.ManyToManyField(
        "situation_reports.IncidentCategory",
        blank=True,
        related_name="+",
        verbose_name=_("categories"),
    )
    areas = models.ManyToManyField(
        "councils.Area", blank=True, related_name="+", verbose_name=_("areas")
    )
    # Meeting changes: empty means every body whose meetings the person follows.
    bodies = models.ManyToManyField(
        "councils.Body", blank=True, related_name="+", verbose_name=_("bodies")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = scoped_manager(SubscriptionQuerySet)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["kind", "created_at", "pk"]
        indexes = [
            models.Index(
                fields=["municipality", "kind"],
                condition=Q(is_active=True),
                name="subscription_active_kind",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} ({self.get_frequency_display()})"


class AlertQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        return super().restrict(membership, action).filter(subscription__user=membership.user)

    def pending(self):
        return self.filter(status=Alert.Status.PENDING)


ITEM = {"on_delete": models.CASCADE, "null": True, "db_index": False, "db_constraint": False}
ITEMS = ("incident", "meeting", "report", "action", "action_item")


class Alert(MunicipalModel):
    """One item for one subscription, queued in one mail at most (``mail_key``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for its mail")
        QUEUED = "queued", _("in a mail")
        SKIPPED = "skipped", _("not sent (no longer readable or subscribed)")

    # Only the unique constraints index the subscription, and the items are indexed only where
    # set (partial indexes below); none of them, nor the municipality, has a database
    # constraint (Django protects and cascades; a dangling item is not found when the mail is
    # written, so it is skipped): an incident alert pays for three indexes and no trigger,
    # where an import writes 300,000 (the municipality's deferred check alone doubled that).
    municipality = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.PROTECT,
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("subscription"),
        db_index=False,
        db_constraint=False,
    )
    # What the item is, once per subscription: "incident:<id>", "meeting:<id>:<sequence>",
    # "report:<id>:<submitted>", "action:<id>:<due>", "action-item:<id>:<due>".
    item_key = models.CharField(_("item"), max_length=100)
    # Only the item's id is kept: what the mail shows is read when it is written, through the
    # recipient's own querysets (a row deleted by retention takes its alert with it).
    incident = models.ForeignKey("situation_reports.Incident", related_name="+", **ITEM)
    meeting = models.ForeignKey("meetings.Meeting", related_name="+", **ITEM)
    report = models.ForeignKey("situation_reports.SituationReport", related_name="+", **ITEM)
    action = models.ForeignKey("councils.Action", related_name="+", **ITEM)
    action_item = models.ForeignKey("meetings.ActionItem", related_name="+", **ITEM)
    change = models.CharField(_("change"), max_length=20, blank=True)  # a meeting: what changed
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    mail_key = models.CharField(_("mail"), max_length=200, blank=True)

    objects = scoped_manager(AlertQuerySet)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["created_at", "pk"]
        constraints = [
            # An incident's alerts: once per subscription, found by the incident (its delete
            # cascades); the sweep writes them with ``NOT EXISTS`` on this index.
            models.UniqueConstraint(
                fields=["incident", "subscription"],
                condition=Q(incident__isnull=False),
                name="alert_incident_once",
            ),
            models.UniqueConstraint(
                fields=["subscription", "item_key"],
                condition=Q(incident__isnull=True),
                name="alert_once_per_subscription_and_item",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subscription", "created_at"],
                condition=Q(status="pending"),
                name="alert_pending",
            ),
            *(
                models.Index(
                    fields=[item],
                    condition=Q(**{f"{item}__isnull": False}),
                    name=f"alert_{item}",
                )
                for item in ITEMS
                if item != "incident"
            ),
        ]

    def __str__(self):
        return f"{self.subscription_id}: {self.item_key}"


class AlertCursor(MunicipalModel):
    """Up to when the sweep has read one kind of new row of a municipality."""

    kind = models.CharField(max_length=20)
    position = models.DateTimeField()

    objects = scoped_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="alert_cursor_once")
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.kind}: {self.position}"

"""The project app's tables: the outbox of every e-mail the application sends, and the audit
trail of what decides access.

- ``OutgoingEmail``: see ``trygghet/outbox.py``.
- ``AuditEvent`` (issue 9, D): who changed whose role or organisation, an organisation's kind,
  seats in bodies, share links and incidents' confidentiality. Written by
  ``trygghet.audit.record`` in the same transaction as the change it describes, and never
  changed or deleted afterwards: the model and its queryset refuse, and on PostgreSQL a trigger
  refuses UPDATE and DELETE of the table (migration 0002).

(The app also needs a models module for Django to send it post_migrate: its schedules.)
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager


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
    # Extra headers, e.g. List-Unsubscribe of an alert (RFC 8058).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
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


class AuditEventImmutable(ValidationError):
    """Raised when something tries to change or delete an audit event."""

    def __init__(self):
        super().__init__(
            _("An audit event is a record: it is never changed or deleted."), code="audit_immutable"
        )


class AuditEventQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """The municipality's events; a reader of no restricted data does not learn that an
        incident was (or became) restricted, so confidentiality changes are left out."""
        qs = super().restrict(membership, action)
        if not membership.can_read_restricted:
            qs = qs.exclude(action=AuditEvent.Action.CONFIDENTIALITY_CHANGED)
        return qs

    def update(self, **kwargs):
        raise AuditEventImmutable()

    def delete(self):
        raise AuditEventImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEventImmutable()

    def delete_for_retention(self):
        """The one sanctioned deletion (issue 17): events older than a municipality's
        retention rule, called only by ``situation_reports.services.retention``, which logs
        the run. On PostgreSQL the trigger lets a DELETE through only in a transaction that
        said so (``SET LOCAL trygghet.retention``, migration situation_reports 0018)."""
        from django.db import connections, transaction

        with transaction.atomic(using=self.db):
            connection = connections[self.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL trygghet.retention = 'on'")
            deleted = self._raw_delete(self.db)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # the rest of the transaction is guarded
                    cursor.execute("SET LOCAL trygghet.retention = 'off'")
            return deleted


class AuditEvent(MunicipalModel):
    """One change of what decides who may see what in a municipality."""

    class Action(models.TextChoices):
        PERSON_ADDED = "person_added", _("person given a role")
        ROLE_CHANGED = "role_changed", _("role changed")
        ORGANISATION_CHANGED = "organisation_changed", _("person's organisation changed")
        PERSON_ACTIVATED = "person_activated", _("person activated")
        PERSON_DEACTIVATED = "person_deactivated", _("person deactivated")
        PERSON_REMOVED = "person_removed", _("person's role removed")
        ORGANISATION_ADDED = "organisation_added", _("organisation added")
        ORGANISATION_KIND_CHANGED = "organisation_kind_changed", _("organisation's kind changed")
        SEAT_ADDED = "seat_added", _("seat in a body added")
        SEAT_CHANGED = "seat_changed", _("seat in a body changed")
        SEAT_ENDED = "seat_ended", _("seat in a body ended")
        SEAT_REMOVED = "seat_removed", _("seat in a body removed")
        SHARE_LINK_CREATED = "share_link_created", _("share link created")
        SHARE_LINK_CHANGED = "share_link_changed", _("share link changed")
        SHARE_LINK_REVOKED = "share_link_revoked", _("share link revoked")
        SHARE_LINK_OPENED = "share_link_opened", _("share link opened")
        CONFIDENTIALITY_CHANGED = "confidentiality_changed", _("incident's confidentiality changed")
        SHARING_CHANGED = "sharing_changed", _("sharing with others changed")
        SHARING_ENDED = "sharing_ended", _("sharing with others ended")
        REGIONAL_ROLE_GRANTED = "regional_role_granted", _("regional role granted")
        REGIONAL_ROLE_ENDED = "regional_role_ended", _("regional role ended")
        REPORT_SHARED = "report_shared", _("situation report shared")
        REPORT_SHARE_WITHDRAWN = "report_share_withdrawn", _("situation report's sharing withdrawn")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        ATTACHMENT_ADDED = "attachment_added", _("attachment added")
        ATTACHMENT_REMOVED = "attachment_removed", _("attachment removed")
        PASSWORD_LOGIN_CHANGED = (
            "password_login_changed",
            _("organisation's password login changed"),
        )
        RETENTION_DECIDED = "retention_decided", _("retention decision recorded")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty for the system or a guest with a share link."),
    )
    action = models.CharField(_("what"), max_length=40, choices=Action.choices)
    # The object concerned, by type and id, with a label kept as text: it still reads when the
    # object has been deleted or renamed since.
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    # The person whose access changed (a role, a seat), to find every event about someone.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    old = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = scoped_manager(AuditEventQuerySet)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["municipality", "-at", "-id"], name="audit_muni_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable()


# --- Files (issue 16): photos of what happened, documents of the work ---------------------------


class StoredFile(MunicipalModel):
    """A file stored through Django's storage API (``STORAGES["default"]``) under a random
    name (``trygghet.files.stored_name``), checked by its content before it was stored, and
    served only by views that check who may read its parent (``trygghet.files``)."""

    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def _readable(model_label, membership):
    from django.apps import apps

    return apps.get_model(model_label).objects.restrict(membership).values("pk")


class PhotoQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """The photos of the incidents and observations this membership may read: a
        restricted incident's photos are as hidden as the incident (``Incident.restrict``)."""
        qs = super().restrict(membership, action)
        return qs.filter(
            Q(incident__in=_readable("situation_reports.Incident", membership))
            | Q(observation__in=_readable("meetings.Observation", membership))
        )


class AttachmentQuerySet(MunicipalQuerySet):
    # The parent's field and its model, in the order of ``Attachment.PARENTS``.
    PARENT_MODELS = {
        "agreement": "councils.Agreement",
        "action_plan": "situation_reports.ActionPlan",
        "meeting": "meetings.Meeting",
        "report": "situation_reports.SituationReport",
        "decision": "situation_reports.Decision",
    }

    def restrict(self, membership, action="view"):
        """The attachments of the records this membership may read (each parent's own
        ``restrict``: a draft plan's for the managers, a meeting's for those who see it)."""
        qs = super().restrict(membership, action)
        readable = Q()
        for field, label in self.PARENT_MODELS.items():
            readable |= Q(**{f"{field}__in": _readable(label, membership)})
        return qs.filter(readable)


class Photo(StoredFile):
    """A photo of an incident or of a safety walk's observation: re-encoded from its pixels,
    every metadata field gone (``trygghet.files.clean_photo``). It is read by exactly those
    who may read its incident or observation (a restricted incident's photo never reaches a
    private company)."""

    incident = models.ForeignKey(
        "situation_reports.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("incident"),
    )
    observation = models.ForeignKey(
        "meetings.Observation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("observation"),
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    objects = scoped_manager(PhotoQuerySet)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, observation=None)
                | Q(incident=None, observation__isnull=False),
                name="photo_of_one_thing",
            )
        ]


class Attachment(StoredFile):
    """A document attached to an agreement, an action plan, a meeting (its documents and the
    signed minutes), a lägesbild or a decision: PDF or an office format, read by those who may
    read its parent. An approved or decided parent keeps its attachments as they were."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        SIGNED_MINUTES = "signed_minutes", _("signed minutes")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=200)
    agreement = models.ForeignKey(
        "councils.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("agreement"),
    )
    action_plan = models.ForeignKey(
        "situation_reports.ActionPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("action plan"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("meeting"),
    )
    report = models.ForeignKey(
        "situation_reports.SituationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("situation report"),
    )
    decision = models.ForeignKey(
        "situation_reports.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("decision"),
    )

    PARENTS = tuple(AttachmentQuerySet.PARENT_MODELS)

    objects = scoped_manager(AttachmentQuerySet)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    sum(
                        (
                            models.Case(
                                models.When(**{f"{name}__isnull": False}, then=1), default=0
                            )
                            for name in AttachmentQuerySet.PARENT_MODELS
                        ),
                        start=models.Value(0),
                    ),
                    1,
                ),
                name="attachment_of_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(kind="document") | Q(meeting__isnull=False),
                name="signed_minutes_of_a_meeting",
            ),
        ]

    @property
    def parent(self):
        for name in self.PARENTS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def parent_field(self):
        return next((name for name in self.PARENTS if getattr(self, f"{name}_id")), None)


# Subscriptions and alerts (issue 17): trygghet/alert_models.py, rules in trygghet/alerts.py.
from .alert_models import Alert, AlertCursor, Subscription  # noqa: E402, F401

"""When and how the bodies meet: series, meetings, agendas, attendance, minutes, action items,
share links, calendar tokens and safety walks.

Official records: once a meeting's minutes are approved, the meeting, its agenda items (with
their notes and decisions), its attendance, its action items and its observations may not change
(but for how action items and observations are followed up, see ``LockedWithMeetingMixin``), and
an approved ``MinutesVersion`` never changes. The models refuse it (``MinutesLocked``), as do the
forms and the admin, and PostgreSQL triggers refuse it for every other path (queryset updates,
SQL; migration 0004). A new version is made with ``services.reopen_minutes``, which keeps every
approved ``MinutesVersion``.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trygghet.limits import latitude_field, longitude_field, range_constraints, validate_in_range
from trygghet.records import LockedRecordMixin, RecordLocked, stored_changes
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, pick_for, scoped_manager

from .agenda_texts import render as render_text
from .permissions import seated_body_ids, sees_every_meeting
from .recurrence import Recurrence, RecurrenceError, build_rule, describe


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """An unguessable token: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


class MinutesLocked(RecordLocked):
    """Raised when something tries to change approved minutes, an official record."""

    message = _(
        "The minutes of this meeting are approved and are an official record: they "
        "cannot be changed. Start a new version of the minutes to make a correction."
    )
    code = "minutes_locked"


class Kind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    SAFETY_WALK = "safety_walk", _("safety walk")


class MeetingSeriesQuerySet(MunicipalQuerySet):
    def active(self):
        return self.filter(is_active=True, body__is_active=True)


class MeetingSeries(MunicipalModel):
    """How a body meets regularly. A Celery beat task creates its meetings ahead of time."""

    Recurrence = Recurrence

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    body = models.ForeignKey(
        "councils.Body", on_delete=models.CASCADE, related_name="series", verbose_name=_("body")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the body's name.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    recurrence = models.CharField(_("recurrence"), max_length=20, choices=Recurrence.choices)
    start_date = models.DateField(
        _("first meeting"),
        help_text=_("Weekly and every-other-week series count their weeks from this date."),
        validators=[validate_in_range],
    )
    end_date = models.DateField(
        _("last date"), null=True, blank=True, validators=[validate_in_range]
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("For monthly series."),
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("For monthly series."),
    )
    rrule = models.CharField(
        _("iCalendar rule"),
        max_length=300,
        blank=True,
        help_text=_("For example FREQ=MONTHLY;BYDAY=1TU or FREQ=WEEKLY;INTERVAL=3;BYDAY=WE."),
    )
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=90,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    default_agenda = models.TextField(
        _("default agenda items"),
        blank=True,
        help_text=_("One item per line; every new meeting of the series starts with them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager(MeetingSeriesQuerySet)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["body__name", "start_time"]
        constraints = range_constraints(
            "series", dates=["start_date", "end_date"], moments=["created_at"]
        )

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.body.name

    def rule_in_words(self):
        """How the series recurs, in words ("every fourth Thursday"); None: no words for it."""
        return describe(self, with_time=False)

    def schedule_in_words(self):
        """How and when the series meets ("every fourth Thursday 09:00")."""
        return describe(self)

    def default_agenda_titles(self):
        return [line.strip() for line in self.default_agenda.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last date cannot be before the first meeting.")
        if self.recurrence == self.Recurrence.MONTHLY_WEEKDAY:
            if self.weekday is None:
                errors["weekday"] = _("A monthly series needs a weekday.")
            if self.week_of_month is None:
                errors["week_of_month"] = _("A monthly series needs the week of the month.")
        if self.recurrence == self.Recurrence.RRULE and not self.rrule.strip():
            errors["rrule"] = _("Write the rule, for example FREQ=MONTHLY;BYDAY=1TU.")
        if (
            self.body_id
            and self.municipality_id
            and self.body.municipality_id != self.municipality_id
        ):
            errors["body"] = _("The body belongs to another municipality.")
        if errors:
            raise ValidationError(errors)
        if self.start_date and self.start_time:
            try:
                build_rule(self)
            except RecurrenceError as exc:
                raise ValidationError({"rrule": str(exc)}) from None

    def get_absolute_url(self):
        return reverse(
            "meetings:series-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )


class MeetingQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """Managers see every meeting of their municipality; others the meetings of bodies
        they currently belong to, and meetings they are invited to."""
        qs = super().restrict(membership, action)
        if sees_every_meeting(membership):
            return qs
        body_ids = seated_body_ids(membership.user)
        return qs.filter(Q(body_id__in=body_ids) | Q(attendances__user=membership.user)).distinct()

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")

    def not_cancelled(self):
        return self.exclude(status=Meeting.Status.CANCELLED)


class Meeting(MunicipalModel):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting status", "planned")
        AGENDA_PUBLISHED = "agenda_published", _("agenda published")
        HELD = "held", _("held")
        MINUTES_APPROVED = "minutes_approved", _("minutes approved")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "cancelled")

    NOT_YET_HELD = (Status.PLANNED, Status.AGENDA_PUBLISHED)

    body = models.ForeignKey(
        "councils.Body", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("body")
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    # The series rule's original occurrence: the key that makes generation idempotent. A moved
    # meeting keeps it, so the rule never creates that occurrence again.
    occurrence_start = models.DateTimeField(_("rule occurrence"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("starts"), validators=[validate_in_range])
    end = models.DateTimeField(_("ends"), validators=[validate_in_range])
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    holiday_name = models.CharField(_("public holiday"), max_length=100, blank=True)
    is_moved = models.BooleanField(_("moved by a coordinator"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # iCalendar SEQUENCE: grows each time the time, place or status changes.
    sequence = models.PositiveIntegerField(default=0)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    minutes_version = models.PositiveIntegerField(_("minutes version being written"), default=1)
    # Safety walks
    area = models.ForeignKey(
        "councils.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("area"),
    )
    route = models.TextField(_("route"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager(MeetingQuerySet)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_start"], name="meeting_once_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            ),
            *range_constraints(
                "meeting",
                moments=[
                    "occurrence_start",
                    "start",
                    "end",
                    "agenda_published_at",
                    "created_at",
                    "updated_at",
                ],
            ),
        ]
        indexes = [models.Index(fields=["municipality", "start"])]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.title} {local:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The meeting must end after it starts.")})

    def get_absolute_url(self):
        return reverse(
            "meetings:meeting-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    @property
    def is_locked(self):
        return self.status == self.Status.MINUTES_APPROVED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_safety_walk(self):
        return self.kind == Kind.SAFETY_WALK

    @property
    def duration_minutes(self):
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_planned(self):
        return self.status == self.Status.PLANNED

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    @property
    def is_not_yet_held(self):
        """Planned or with its agenda published: its agenda may be published (again), and it
        may be marked held."""
        return self.status in self.NOT_YET_HELD

    def check_editable(self):
        if self.is_locked:
            raise MinutesLocked()

    def previous_meeting(self):
        return (
            Meeting.objects.filter(body_id=self.body_id, start__lt=self.start)
            .exclude(status=self.Status.CANCELLED)
            .order_by("-start")
            .first()
        )


class LockedWithMeetingMixin(LockedRecordMixin):
    """Rows that are part of a meeting's minutes (agenda items, attendance, action items,
    observations): once the minutes are approved they are not added, changed or deleted
    (``trygghet.records``).

    ``follow_up_fields`` go on changing after approval by design: an action item stays with the
    meeting that decided it and is followed up at the body's later meetings (the ``actions``
    agenda source lists it) until it is done, so its status changes; an observation is resolved
    when its action item is done. The approved ``MinutesVersion`` keeps their state at approval.

    The same rule is a PostgreSQL trigger (migration 0004), for the paths that bypass ``save()``:
    queryset ``update()``/``delete()``, bulk inserts, SQL. Here it gives a clear message.
    """

    follow_up_fields = ()
    locked_error = MinutesLocked

    def in_locked_record(self):
        return (
            self.meeting_id is not None
            and Meeting._base_manager.filter(
                pk=self.meeting_id, status=Meeting.Status.MINUTES_APPROVED
            ).exists()
        )

    def changes_locked_record(self, update_fields=None):
        """Whether saving this row now would change approved minutes."""
        if not self.in_locked_record():
            return False
        changes = stored_changes(self, update_fields, exclude=self.follow_up_fields)
        return changes is None or bool(changes)

    def clean(self):
        super().clean()
        if self.changes_locked_record():
            raise self.locked_error()


class AgendaItem(LockedWithMeetingMixin, models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The count rule (issue 9): an automatic item whose figures include restricted incidents
    # keeps two texts. ``description`` is built from open incidents only (what every member
    # and a share-link page shows); this one, with restricted incidents, is for public
    # authorities (``description_for``). Empty when the two are the same.
    restricted_description = models.TextField(
        _("description for public authorities"), blank=True, editable=False
    )
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    minutes_allotted = models.PositiveIntegerField(
        _("time (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    shareable = models.BooleanField(
        _("visible to guests"),
        default=True,
        help_text=_(
            "Guests are the people without an account who open a share link, such as police "
            "and rescue-service staff: they see the item's title and description."
        ),
    )
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Filled automatically by an agenda source (see agenda_sources.py): "<source>:<key>".
    source_key = models.CharField(_("source"), max_length=120, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("content_type", "object_id")
    # Generated texts as data (issue 12; meetings/agenda_texts.py): ``{"title": text,
    # "description": [lines], "restricted_description": [lines]}``, each rendered in the
    # reader's language. ``title`` and the descriptions above keep the same text rendered in
    # the site's language, for what reads plain columns (admin, the minutes' record).
    generated = models.JSONField(default=dict, blank=True, editable=False)
    # When its source last computed an automatic item ("figures as of ...").
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Minutes of the item
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    objects = scoped_manager(path="meeting__municipality")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_key"],
                condition=~Q(source_key=""),
                name="agenda_item_once_per_source",
            )
        ]

    def __str__(self):
        return self.heading

    @property
    def is_automatic(self):
        return bool(self.source_key)

    @property
    def heading(self):
        """The title in the reader's language (a generated one rendered from its data)."""
        if self.generated.get("title"):
            return render_text(self.generated["title"])
        return self.title

    def _text(self, name):
        if name in self.generated:
            return render_text(self.generated[name])
        return getattr(self, name)

    def description_for(self, viewer):
        """The description ``viewer`` (a membership; None on a share-link page) may read, in
        the reader's language."""
        description = self._text("description")
        return pick_for(
            viewer,
            with_restricted=self._text("restricted_description") or description,
            open_only=description,
        )


class Attendance(LockedWithMeetingMixin, models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        GUEST = "guest", _("guest")

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ATTENDING = "attending", _("will attend")
        NOT_ATTENDING = "not_attending", _("will not attend")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        APOLOGIES = "apologies", _("sent apologies")
        SUBSTITUTE = "substitute", _("sends a substitute")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    # A guest's own e-mail address (the share-link answer form asks for it): an answer whose
    # address is an invited person's goes to their invitation instead (issue 12, point 4).
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("attendance"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    via_share_link = models.ForeignKey(
        "ShareLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    # A guest who answered through a share link holds a token (in a cookie scoped to the link);
    # only its SHA-256 is kept. It alone lets them change the answer (issue 9).
    guest_key_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Who comes instead, when the answer is "sends a substitute" (empty: not named yet).
    substitute_name = models.CharField(_("substitute"), max_length=200, blank=True)

    objects = scoped_manager(path="meeting__municipality")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "role", "name", "user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="attendance_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="attendance_has_a_name"
            ),
            models.UniqueConstraint(
                fields=["meeting", "guest_key_hash"],
                condition=~Q(guest_key_hash=""),
                name="attendance_once_per_guest_key",
            ),
            *range_constraints("attendance", moments=["responded_at"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.user_id:
            return str(self.user)
        return self.name

    @property
    def is_guest(self):
        return self.role == self.Role.GUEST

    @property
    def answer_display(self):
        """The answer in words, with the substitute's name when one is given."""
        if self.status == self.Status.SUBSTITUTE and self.substitute_name:
            return _("sends a substitute: %(name)s") % {"name": self.substitute_name}
        return self.get_status_display()


class ActionItemQuerySet(MunicipalQuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def restrict(self, membership, action="view"):
        qs = super().restrict(membership, action)
        if sees_every_meeting(membership):
            return qs
        return qs.filter(
            Q(meeting__in=Meeting.objects.restrict(membership)) | Q(owner=membership.user)
        )


class ActionItem(LockedWithMeetingMixin, MunicipalModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("decided at"),
    )
    body = models.ForeignKey(
        "councils.Body",
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("body"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("agenda item"),
    )
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_action_items",
        verbose_name=_("owner"),
    )
    owner_organisation = models.ForeignKey(
        "councils.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_action_items",
        verbose_name=_("responsible organisation"),
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_in_range]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager(ActionItemQuerySet)

    # Followed up at later meetings until done (see LockedWithMeetingMixin).
    follow_up_fields = ("status", "closed_at")

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_date", "pk"]
        constraints = range_constraints(
            "action_item", dates=["due_date"], moments=["closed_at", "created_at"]
        )

    def __str__(self):
        return self.what

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def owner_label(self):
        parts = [str(self.owner) if self.owner_id else "", str(self.owner_organisation or "")]
        return ", ".join(p for p in parts if p)

    def get_absolute_url(self):
        return self.meeting.get_absolute_url() + "minutes/"


class MinutesVersion(LockedRecordMixin, models.Model):
    """A frozen copy of approved minutes. Never changed once saved; a correction is a new
    version with the next number."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes_versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    approved_at = models.DateTimeField(pgettext_lazy("minutes", "approved"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("minutes", "approved by"),
    )
    reason = models.CharField(_("reason for the new version"), max_length=300, blank=True)

    objects = scoped_manager(path="meeting__municipality")
    locked_error = MinutesLocked

    class Meta:
        verbose_name = _("approved minutes")
        verbose_name_plural = _("approved minutes")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
            *range_constraints("minutes_version", moments=["approved_at"]),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.number}"

    def in_locked_record(self):
        """Approved minutes from the start: never changed, never deleted."""
        return True

    def changes_locked_record(self, update_fields=None):
        return self.pk is not None  # only the first save, which makes it, is allowed


class MeetingNotice(models.Model):
    """One row per meeting and kind of e-mail: makes queuing it idempotent. The mails are
    ``trygghet.models.OutgoingEmail`` rows (key ``<kind>:<meeting id>``), written with it."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("agenda published")
        REMINDER = "reminder", _("reminder")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    objects = scoped_manager(path="meeting__municipality")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="notice_once_per_kind")
        ]

    def __str__(self):
        return f"{self.meeting}: {self.kind}"


class ShareLinkQuerySet(MunicipalQuerySet):
    def valid(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(MunicipalModel):
    """Read-only access to one meeting's (or one series') shareable agenda without an account.

    Only the SHA-256 of the token is stored; the token itself is shown once, when made.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="share_links"
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="share_links",
    )
    label = models.CharField(
        _("for whom"), max_length=200, help_text=_("E.g. Räddningstjänsten Syd, styrkeledare.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager(ShareLinkQuerySet)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(meeting__isnull=False) & Q(series__isnull=True))
                | (Q(meeting__isnull=True) & Q(series__isnull=False)),
                name="share_link_for_meeting_or_series",
            ),
            *range_constraints("share_link", moments=["expires_at", "revoked_at", "created_at"]),
        ]

    def __str__(self):
        return self.label

    @property
    def valid_until(self):
        """The last day the link works (it expires at the midnight after it)."""
        return timezone.localtime(self.expires_at - datetime.timedelta(seconds=1)).date()

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_valid(self):
        return not self.is_revoked and not self.is_expired


class ShareLinkOpening(models.Model):
    """Every opening of a valid share link, and every answer given through it. Openings of a
    revoked or expired link are not written: they would let anyone with an old link fill the
    table (issue 9)."""

    # What happened: the page was shown, or an answer was given (``outcome``).
    SHOWN = "shown"
    RSVP = "rsvp"

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=12)  # SHOWN or RSVP
    user_agent = models.CharField(max_length=300, blank=True)

    objects = scoped_manager(path="link__municipality")

    class Meta:
        ordering = ["-opened_at"]
        constraints = range_constraints("share_link_opening", moments=["opened_at"])

    def __str__(self):
        return f"{self.link} {self.opened_at:%Y-%m-%d %H:%M} {self.outcome}"


class CalendarToken(models.Model):
    """A private feed address for a calendar app that cannot log in. Tied to a person, so the
    feed shows only what that person may see today and stops when they lose access."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    body = models.ForeignKey(
        "councils.Body",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the person's own feed of all their meetings."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body"],
                condition=Q(revoked_at__isnull=True),
                nulls_distinct=False,
                name="one_live_calendar_token",
            ),
            *range_constraints(
                "calendar_token", moments=["created_at", "revoked_at", "last_used_at"]
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.body or 'personal'}"


class ObservationQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        qs = super().restrict(membership, action)
        if sees_every_meeting(membership):
            return qs
        return qs.filter(meeting__in=Meeting.objects.restrict(membership))


class Observation(LockedWithMeetingMixin, MunicipalModel):
    """Something seen on a safety walk."""

    class Category(models.TextChoices):
        LIGHTING = "lighting", _("broken or missing lighting")
        VEGETATION = "vegetation", _("overgrown bushes or trees")
        VANDALISM = "vandalism", _("vandalism or graffiti")
        LITTER = "litter", _("litter")
        ACCESSIBILITY = "accessibility", _("accessibility")
        TRAFFIC = "traffic", _("traffic")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="observations", verbose_name=_("walk")
    )
    place = models.CharField(_("place"), max_length=200)
    latitude = latitude_field()
    longitude = longitude_field()
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what was seen"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    action_item = models.OneToOneField(
        ActionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observation",
        verbose_name=_("action item"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The key a device gives an entry it logged (offline, issue 16): sent twice, it is saved once.
    client_key = models.UUIDField(
        _("device key"), null=True, blank=True, unique=True, editable=False
    )

    objects = scoped_manager(ObservationQuerySet)

    # Resolved when its action item is done (see LockedWithMeetingMixin).
    follow_up_fields = ("status",)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="observation_position_complete",
            ),
            *range_constraints("observation", moments=["created_at"]),
        ]

    def __str__(self):
        return f"{self.place}: {self.get_category_display()}"

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def get_absolute_url(self):
        return self.meeting.get_absolute_url() + f"#observation-{self.pk}"

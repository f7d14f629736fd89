"""What happened: incidents, their categories, and who read a restricted one.

Confidentiality is enforced in one place, ``IncidentQuerySet.restrict``: every list, map,
export, detail and count starts there (counts through ``IncidentQuerySet.counted``, the count
rule of ``trygghet.tenancy``).
"""

import datetime
import re
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from councils.models import Area
from trygghet.limits import (
    MAX_TEXT_LENGTH,
    has_control_characters,
    latitude_field,
    longitude_field,
    range_constraints,
    validate_in_range,
)
from trygghet.tenancy import (
    MunicipalModel,
    MunicipalQuerySet,
    scoped_manager,
    sees_restricted,
    shared_or_scoped_manager,
)


class IncidentCategoryQuerySet(models.QuerySet):
    def available_to(self, municipality):
        """The national default list plus the municipality's own categories."""
        return self.filter(Q(municipality__isnull=True) | Q(municipality=municipality)).filter(
            is_active=True
        )


class IncidentCategory(models.Model):
    """A kind of incident. Rows without a municipality are the national default list (created
    by a data migration, with Swedish labels); a municipality may add its own."""

    # The code of the catch-all category: unknown police types are mapped here.
    OTHER = "other"

    municipality = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_categories",
        verbose_name=_("municipality"),
        help_text=_("Empty for the national default categories."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = shared_or_scoped_manager(IncidentCategoryQuerySet)

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(municipality__isnull=True),
                name="incident_category_unique_national_code",
            ),
            models.UniqueConstraint(
                fields=["municipality", "code"],
                condition=Q(municipality__isnull=False),
                name="incident_category_unique_municipal_code",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_national(self):
        return self.municipality_id is None


class IncidentQuerySet(MunicipalQuerySet):
    def restrict(self, membership, action="view"):
        """Rows of the membership's municipality; restricted incidents only for public
        authorities (GDPR art. 10: never private companies)."""
        qs = super().restrict(membership, action)
        if not sees_restricted(membership):
            qs = qs.open()
        return qs

    def counted(self, membership):
        """The incidents every live figure shown to ``membership`` is computed from (the
        count rule, ``trygghet.tenancy.sees_restricted``): what they may read, not withdrawn.
        A partner sees exactly as many as they can list."""
        return self.restrict(membership).active()

    def open(self):
        return self.filter(confidentiality=Incident.Confidentiality.OPEN)

    def active(self):
        """Not withdrawn: what counts in lists, maps and statistics by default."""
        return self.exclude(status=Incident.Status.WITHDRAWN)

    def withdrawn(self):
        return self.filter(status=Incident.Status.WITHDRAWN)

    def between(self, start, end):
        """Incidents whose date is within [start, end] (dates, inclusive)."""
        return self.filter(occurred_on__gte=start, occurred_on__lte=end)


class Incident(MunicipalModel):
    """Something that happened (händelse)."""

    class PartOfDay(models.TextChoices):
        NIGHT = "night", _("night (00–06)")
        MORNING = "morning", _("morning (06–12)")
        AFTERNOON = "afternoon", _("afternoon (12–18)")
        EVENING = "evening", _("evening (18–24)")

    class Severity(models.IntegerChoices):
        LOW = 1, _("low")
        MEDIUM = 2, _("medium")
        HIGH = 3, _("high")

    class Confidentiality(models.TextChoices):
        OPEN = "open", _("open – everyone working in the municipality")
        RESTRICTED = "restricted", _("restricted – public authorities only")

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        CONFIRMED = "confirmed", _("confirmed")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Source(models.TextChoices):
        MANUAL = "manual", _("logged by hand")
        IMPORT = "import", _("imported file")
        POLICE_OPEN_DATA = "police_open_data", _("police open data")

    # When: always a date; a start time (and optional end) when it is known, otherwise only a
    # part of the day. ``part_of_day`` is filled from the start time when that is known, so the
    # situation report can count by part of day for every incident.
    occurred_on = models.DateField(_("date"), db_index=True, validators=[validate_in_range])
    started_at = models.DateTimeField(
        _("start"), null=True, blank=True, validators=[validate_in_range]
    )
    ended_at = models.DateTimeField(_("end"), null=True, blank=True, validators=[validate_in_range])
    part_of_day = models.CharField(
        _("part of day"), max_length=16, choices=PartOfDay.choices, blank=True
    )

    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("area"),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("E.g. a street, square or school.")
    )
    latitude = latitude_field()
    longitude = longitude_field()

    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("category"),
    )
    description = models.TextField(_("description"), max_length=MAX_TEXT_LENGTH)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.OPEN,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )

    organisation = models.ForeignKey(
        "councils.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("source organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logged_incidents",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(
        _("logged at"), default=timezone.now, editable=False, validators=[validate_in_range]
    )
    updated_at = models.DateTimeField(
        _("updated at"), auto_now=True, validators=[validate_in_range]
    )

    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"), null=True, blank=True, validators=[validate_in_range]
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_incidents",
        verbose_name=_("withdrawn by"),
    )

    # Police open data: the police's own id (globally unique), their type and address.
    police_id = models.BigIntegerField(_("police event id"), null=True, blank=True, unique=True)
    police_type = models.CharField(_("police event type"), max_length=120, blank=True)
    # Only ever an https address on polisen.se (``police_link``; a check constraint too).
    police_url = models.URLField(_("police event address"), max_length=500, blank=True)
    # CSV import: a fingerprint of the source row, so that re-importing a file adds nothing.
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)
    # The key a device gives an entry it logged (offline, issue 16): sent twice, it is saved once.
    client_key = models.UUIDField(
        _("device key"), null=True, blank=True, unique=True, editable=False
    )
    # Retention (issue 17): when the decision's rule anonymised it (description, place,
    # position, who logged it and its photos gone; date, category, area and counts kept).
    anonymised_at = models.DateTimeField(
        _("anonymised"), null=True, blank=True, editable=False, validators=[validate_in_range]
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = scoped_manager(IncidentQuerySet)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-started_at", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "-occurred_on", "-started_at", "-id"],
                name="incident_muni_date",
            ),
            models.Index(fields=["municipality", "category", "occurred_on"], name="incident_cat"),
            models.Index(fields=["municipality", "area", "occurred_on"], name="incident_area"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "import_key"],
                condition=~Q(import_key=""),
                name="incident_unique_import_key",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__lte=models.F("ended_at")),
                name="incident_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(police_url="")
                | Q(police_url__startswith="https://polisen.se/")
                | Q(police_url__startswith="https://www.polisen.se/"),
                name="incident_police_url_on_polisen_se",
            ),
            *range_constraints(
                "incident",
                dates=["occurred_on"],
                moments=[
                    "started_at",
                    "ended_at",
                    "created_at",
                    "updated_at",
                    "withdrawn_at",
                    "anonymised_at",
                ],
            ),
        ]

    def __str__(self):
        return f"{self.category} – {self.occurred_on:%Y-%m-%d}" + (
            f", {self.area}" if self.area_id else ""
        )

    def get_absolute_url(self):
        return reverse(
            "situation_reports:incident-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    def save(self, *args, **kwargs):
        if self.started_at is not None:
            local = timezone.localtime(self.started_at)
            self.occurred_on = local.date()
            self.part_of_day = part_of_day_for(local.time())
        super().save(*args, **kwargs)

    @property
    def is_restricted(self):
        return self.confidentiality == self.Confidentiality.RESTRICTED

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def police_link(self):
        """The address to link to: checked again, so that no other address is ever a link."""
        return police_link(self.police_url)


POLICE_SITE = "https://polisen.se"
POLICE_HOSTS = ("polisen.se", "www.polisen.se")
POLICE_URL_MAX_LENGTH = 500
_SPACE_OR_BACKSLASH = re.compile(r"[\s\\]")


def police_link(url):
    """An event's address as a link to keep: https on polisen.se (a relative address is made
    absolute there), or "" for anything else (``javascript:``, other hosts, http, ports,
    user names, backslashes, white space and control characters)."""
    if not isinstance(url, str) or not url or len(url) > POLICE_URL_MAX_LENGTH:
        return ""
    if _SPACE_OR_BACKSLASH.search(url) or has_control_characters(url, single_line=True):
        return ""
    if url.startswith("/") and not url.startswith("//"):
        url = POLICE_SITE + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or host not in POLICE_HOSTS:
        return ""
    if port is not None or parts.username is not None or parts.password is not None:
        return ""
    link = urlunsplit(("https", host, parts.path or "/", parts.query, parts.fragment))
    return link if len(link) <= POLICE_URL_MAX_LENGTH else ""


def part_of_day_for(time):
    """The part of the day a time of day falls in."""
    if time < datetime.time(6):
        return Incident.PartOfDay.NIGHT
    if time < datetime.time(12):
        return Incident.PartOfDay.MORNING
    if time < datetime.time(18):
        return Incident.PartOfDay.AFTERNOON
    return Incident.PartOfDay.EVENING


class IncidentAccessLog(models.Model):
    """Who read a restricted incident, and when."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="access_logs", verbose_name=_("incident")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    accessed_at = models.DateTimeField(
        _("read at"), default=timezone.now, db_index=True, validators=[validate_in_range]
    )

    objects = scoped_manager(path="incident__municipality")

    class Meta:
        verbose_name = _("incident access log entry")
        verbose_name_plural = _("incident access log")
        ordering = ["-accessed_at"]
        constraints = range_constraints("incident_access", moments=["accessed_at"])

    def __str__(self):
        return f"{self.user} – {self.incident_id} – {self.accessed_at:%Y-%m-%d %H:%M}"

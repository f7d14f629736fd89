"""The joint situation report (lägesbild): frozen numbers, the people's text, review, approval.

A ``SituationReport`` stores the figures it was compiled from as JSON (``data``), so later
changes to incidents never alter it; recompiling a draft is an explicit act. Once approved it is
an official record (allmän handling): ``save()`` and ``delete()`` refuse any change, as do its
sections and comments (``trygghet.records``, ``ReportLocked``); a correction is a new version
that ``supersedes`` it, and the old one stays readable.

Exactly one report per meeting: the unique constraint on (meeting, version) makes a second
version-1 row for the same meeting impossible, whichever task or worker tries.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from trygghet.limits import range_constraints, validate_in_range
from trygghet.records import LockedRecordMixin, RecordLocked
from trygghet.tenancy import MunicipalModel, MunicipalQuerySet, scoped_manager


class ReportLocked(RecordLocked):
    """Raised when something tries to change an approved report (an official record)."""

    message = _(
        "This situation report is approved and is an official record: it cannot be "
        "changed. Make a new version to correct it."
    )
    code = "report_locked"


# The sections of a report: each has its numbers (from ``data``) and room for people's text.
SECTIONS = [
    ("summary", _("Summary")),
    ("categories", _("By category")),
    ("areas", _("By area")),
    ("when", _("When")),
    ("hotspots", _("Hot spots")),
    ("notable", _("Notable incidents")),
    ("sources", _("Sources")),
    ("observations", _("Safety-walk observations")),
    ("upcoming", _("Coming up")),
    ("actions", _("Actions of the agreement")),
    ("assessment", _("Assessment")),
    ("recommendations", _("Recommendations")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]

# The sections of a strategic lägesbild: the four parts of 4 § lag (2023:196), and the
# conclusions that feed the action plan. Each has figures (``services.strategic``) and text.
STRATEGIC_SECTIONS = [
    ("survey", _("Survey of crime")),
    ("consequences", _("Consequences")),
    ("other_information", _("Other information")),
    ("analysis", _("Analysis")),
    ("conclusions", _("Conclusions and priorities")),
]
STRATEGIC_SECTION_KEYS = [key for key, _label in STRATEGIC_SECTIONS]

# The sections of the action plan's annual follow-up report to the municipal board.
FOLLOW_UP_SECTIONS = [
    ("plan_year", _("The plan and its year")),
    ("by_problem", _("Measures by problem")),
    ("changes", _("What changed in the lägesbild")),
    ("recommendations", _("Recommendations")),
]
ALL_SECTIONS = list(
    {
        key: (key, label) for key, label in SECTIONS + STRATEGIC_SECTIONS + FOLLOW_UP_SECTIONS
    }.values()
)


class ReportKind(models.TextChoices):
    """The operational digest for a situation group's meeting, or the municipality's strategic
    lägesbild under 4 § lag (2023:196), owned by the strategic council or preparation group."""

    OPERATIONAL = "operational", _("operational situation report")
    STRATEGIC = "strategic", _("strategic situation report")
    FOLLOW_UP = "follow_up", _("annual follow-up of the action plan")


def _short_date(iso):
    return formats.date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def title_parameters(municipality, start, end, meeting=None, kind=ReportKind.OPERATIONAL):
    """What a report's title is made of (stored as data, rendered in the reader's language)."""
    if kind == ReportKind.FOLLOW_UP:
        return {"follow_up": True, "municipality": municipality.name, "year": end.year}
    if kind == ReportKind.STRATEGIC:
        return {
            "strategic": True,
            "municipality": municipality.name,
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    if meeting is not None:
        return {
            "meeting": meeting.title,
            "date": timezone.localdate(meeting.start).isoformat(),
        }
    return {"municipality": municipality.name, "start": start.isoformat(), "end": end.isoformat()}


class SituationReportQuerySet(MunicipalQuerySet):
    def approved(self):
        return self.filter(status=SituationReport.Status.APPROVED)

    def ready(self):
        """Reports with numbers (not waiting for their first compile)."""
        return self.exclude(compiled_at__isnull=True)

    def operational(self):
        return self.filter(kind=ReportKind.OPERATIONAL)

    def strategic(self):
        return self.filter(kind=ReportKind.STRATEGIC)

    def of_meetings(self):
        """Meetings' reports (not free-period ones), the current version of each only."""
        return self.filter(meeting__isnull=False, superseded_by__isnull=True)

    def follow_ups(self):
        return self.filter(kind=ReportKind.FOLLOW_UP)

    def awaiting_work(self):
        """The reports people take through review: meetings' reports, strategic lägesbilder
        and the action plan's follow-ups (not free-period reports), the current version of
        each only."""
        return self.filter(
            Q(meeting__isnull=False) | Q(kind__in=[ReportKind.STRATEGIC, ReportKind.FOLLOW_UP]),
            superseded_by__isnull=True,
        )


class SituationReport(LockedRecordMixin, MunicipalModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be compiled")
        COMPILING = "compiling", _("being compiled")
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        APPROVED = "approved", _("approved")

    EDITABLE = (Status.DRAFT, Status.IN_REVIEW)
    PENDING = (Status.QUEUED, Status.COMPILING)

    # ``title`` keeps the title in the site's language when the report was made (the admin and
    # searches); pages show ``display_title``, rendered from ``title_params`` in the reader's
    # language (``title_parameters``).
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=ReportKind.choices,
        default=ReportKind.OPERATIONAL,
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    title_params = models.JSONField(_("title parameters"), default=dict, blank=True, editable=False)
    body = models.ForeignKey(
        "councils.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="situation_reports",
        verbose_name=_("body"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="situation_reports",
        verbose_name=_("meeting"),
    )
    action_plan = models.ForeignKey(
        "situation_reports.ActionPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_reports",
        verbose_name=_("action plan"),
    )
    period_start = models.DateField(_("period from"), validators=[validate_in_range])
    period_end = models.DateField(_("period to"), validators=[validate_in_range])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    correction_reason = models.CharField(
        _("reason for the new version"), max_length=300, blank=True
    )
    # The frozen numbers (see services.figures.compute for the shape).
    data = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    compile_requested_at = models.DateTimeField(
        null=True, blank=True, editable=False, validators=[validate_in_range]
    )
    compile_started_at = models.DateTimeField(
        null=True, blank=True, editable=False, validators=[validate_in_range]
    )
    compiled_at = models.DateTimeField(
        _("compiled"), null=True, blank=True, editable=False, validators=[validate_in_range]
    )
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compiled by"),
    )
    submitted_at = models.DateTimeField(
        _("sent for review"), null=True, blank=True, validators=[validate_in_range]
    )
    approved_at = models.DateTimeField(
        _("approved"), null=True, blank=True, validators=[validate_in_range]
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    review_notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, validators=[validate_in_range]
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, validators=[validate_in_range]
    )

    objects = scoped_manager(SituationReportQuerySet)
    locked_error = ReportLocked

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-period_end", "-version", "-pk"]
        constraints = [
            # Exactly one report (of each version) per meeting: the database decides.
            models.UniqueConstraint(
                fields=["meeting", "version"],
                condition=Q(meeting__isnull=False),
                name="situation_report_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="situation_report_period_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="situation_report_approved_has_date",
            ),
            # A strategic lägesbild belongs to a body, never to a meeting.
            models.CheckConstraint(
                condition=~Q(kind="strategic") | Q(meeting__isnull=True, body__isnull=False),
                name="situation_report_strategic_has_body",
            ),
            # The action plan's follow-up belongs to its plan and a body, never to a meeting;
            # no other kind points at a plan.
            models.CheckConstraint(
                condition=(
                    Q(kind="follow_up", meeting__isnull=True, body__isnull=False)
                    & Q(action_plan__isnull=False)
                )
                | (~Q(kind="follow_up") & Q(action_plan__isnull=True)),
                name="situation_report_follow_up_has_plan",
            ),
            # One follow-up (of each version) per plan and year, whoever asks at once.
            models.UniqueConstraint(
                fields=["action_plan", "period_start", "version"],
                condition=Q(action_plan__isnull=False),
                name="situation_report_follow_up_once_per_year",
            ),
            *range_constraints(
                "situation_report",
                dates=["period_start", "period_end"],
                moments=[
                    "compile_requested_at",
                    "compile_started_at",
                    "compiled_at",
                    "submitted_at",
                    "approved_at",
                    "review_notified_at",
                    "created_at",
                ],
            ),
        ]
        indexes = [models.Index(fields=["municipality", "-period_end"], name="report_muni_end")]

    def __str__(self):
        return self.display_title + (f" (v{self.version})" if self.version > 1 else "")

    # --- The title, in the reader's language -------------------------------------------------

    @property
    def is_strategic(self):
        return self.kind == ReportKind.STRATEGIC

    @property
    def is_follow_up(self):
        return self.kind == ReportKind.FOLLOW_UP

    @property
    def is_free_period(self):
        """Compiled on demand for a period of one's choice, not a meeting's report (a strategic
        lägesbild or a follow-up is never a meeting's: it is not a free-period report either)."""
        return self.meeting_id is None and self.kind == ReportKind.OPERATIONAL

    @property
    def sections_of_kind(self):
        """The (key, title) of this kind of report's sections."""
        if self.is_follow_up:
            return FOLLOW_UP_SECTIONS
        return STRATEGIC_SECTIONS if self.is_strategic else SECTIONS

    @property
    def display_title(self):
        """The title in the active language, from the stored parameters (a meeting's title and
        date, or the municipality and the period; made from the same fields for a report
        approved before titles were kept as data)."""
        params = self.title_params or title_parameters(
            self.municipality, self.period_start, self.period_end, self.meeting
        )
        try:
            if params.get("follow_up"):
                return gettext("Annual follow-up of the action plan %(municipality)s %(year)s") % {
                    "municipality": params["municipality"],
                    "year": params["year"],
                }
            if params.get("strategic"):
                start = datetime.date.fromisoformat(params["start"])
                end = datetime.date.fromisoformat(params["end"])
                if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
                    period = (
                        str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
                    )
                else:
                    period = f"{_short_date(params['start'])}–{_short_date(params['end'])}"
                return gettext("Strategic situation report %(municipality)s %(period)s") % {
                    "municipality": params["municipality"],
                    "period": period,
                }
            if params.get("meeting"):
                return gettext("Situation report for %(meeting)s %(date)s") % {
                    "meeting": params["meeting"],
                    "date": _short_date(params["date"]),
                }
            if params.get("municipality"):
                return pgettext(
                    "a situation report not made for a meeting",
                    "Situation report %(municipality)s %(start)s–%(end)s (free period)",
                ) % {
                    "municipality": params["municipality"],
                    "start": _short_date(params["start"]),
                    "end": _short_date(params["end"]),
                }
        except (KeyError, TypeError, ValueError):
            pass
        return self.title

    def get_absolute_url(self):
        return reverse(
            "situation_reports:report-detail",
            kwargs={"municipality": self.municipality.slug, "pk": self.pk},
        )

    # --- The official-record rule (trygghet.records) -------------------------------------------

    def in_locked_record(self):
        """Approved as stored: whatever this instance says, the stored row decides."""
        return (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, status=self.Status.APPROVED).exists()
        )

    def check_editable(self):
        """Refuse before a change starts when this report (as loaded) is approved."""
        if self.is_locked:
            raise self.locked_error()

    # --- State -------------------------------------------------------------------------------

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_locked(self):
        """An approved report is an official record (``trygghet.records``)."""
        return self.is_approved

    @property
    def is_pending(self):
        return self.status in self.PENDING

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_superseded(self):
        try:
            return self.superseded_by is not None
        except SituationReport.DoesNotExist:
            return False

    @property
    def period_days(self):
        return (self.period_end - self.period_start).days + 1


class ReportSection(LockedRecordMixin, models.Model):
    """The people's text of one section: notes, or the assessment and recommendations."""

    report = models.ForeignKey(
        SituationReport, on_delete=models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    key = models.CharField(_("section"), max_length=20, choices=ALL_SECTIONS)
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, validators=[validate_in_range])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = scoped_manager(path="report__municipality")
    locked_error = ReportLocked

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_section_once"),
            *range_constraints("report_section", moments=["updated_at"]),
        ]

    def __str__(self):
        return f"{self.report} – {self.get_key_display()}"

    def in_locked_record(self):
        """Part of an approved report, as stored."""
        return SituationReport.objects.get(pk=self.report_id).is_locked


class ReportComment(LockedRecordMixin, models.Model):
    """A member's comment on one section during review."""

    report = models.ForeignKey(
        SituationReport, on_delete=models.CASCADE, related_name="comments", verbose_name=_("report")
    )
    section = models.CharField(_("section"), max_length=20, choices=ALL_SECTIONS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(
        _("written"), default=timezone.now, editable=False, validators=[validate_in_range]
    )

    objects = scoped_manager(path="report__municipality")
    locked_error = ReportLocked

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        ordering = ["report", "created_at", "pk"]
        constraints = range_constraints("report_comment", moments=["created_at"])

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"

    def in_locked_record(self):
        """Part of an approved report, as stored."""
        return SituationReport.objects.get(pk=self.report_id).is_locked

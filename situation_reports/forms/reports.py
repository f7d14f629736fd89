"""Forms of the situation report. An approved report is refused with a clear message."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygghet.limits import validate_in_range

from ..models import SECTIONS, ReportLocked, SituationReport

MAX_PERIOD_DAYS = 366


class LockedReportFormMixin:
    """Refuses any change to an approved report, whatever the form."""

    report: SituationReport

    def clean(self):
        cleaned = super().clean()
        if self.report is not None and self.report.is_locked:
            raise ReportLocked()
        return cleaned


class PeriodForm(forms.Form):
    """Dates of one's choice, "from" and "to", checked together by ``check_period``: both
    given, in order, not too long, not in the future. Used by the on-demand compile and the
    strategic lägesbild."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_in_range],
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_in_range],
    )

    def too_long(self, start, end):
        """The message when the period is longer than the form allows, else ""."""
        return ""

    def check_period(self, cleaned, latest):
        """Checks the dates of ``cleaned``; the period may end on ``latest`` at the latest."""
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            if "start" in self.errors or "end" in self.errors:
                return cleaned  # a date was given but refused: its own message says why
            raise forms.ValidationError(_("Give both dates of the period."))
        if end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        elif message := self.too_long(start, end):
            self.add_error("end", message)
        if end > latest:
            self.add_error("end", _("The period cannot end in the future."))
        return cleaned


class CompileForm(PeriodForm):
    """What a coordinator asks for when compiling on demand."""

    SINCE_MEETING = "since_meeting"
    CUSTOM = "custom"
    PERIOD_CHOICES = [
        (SINCE_MEETING, _("Since the situation group's last meeting")),
        ("7", _("The last 7 days")),
        ("14", _("The last 14 days")),
        (CUSTOM, _("Dates of my choice")),
    ]

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial=SINCE_MEETING)
    field_order = ["period", "start", "end"]

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if meeting is not None:
            # Since the last meeting is the next meeting's period: its report is updated.
            choices = list(self.fields["period"].choices)
            choices[0] = (
                self.SINCE_MEETING,
                _("Since the last meeting: updates the report of %(meeting)s")
                % {"meeting": meeting},
            )
            self.fields["period"].choices = choices
        self.fields["period"].help_text = _(
            "A meeting's period updates that meeting's report; other periods make a "
            "free-period report, which is not a meeting's."
        )

    def too_long(self, start, end):
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            return _("A situation report covers at most a year.")
        return ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != self.CUSTOM:
            return cleaned
        return self.check_period(cleaned, timezone.localdate() + datetime.timedelta(days=1))


class SectionForm(LockedReportFormMixin, forms.Form):
    key = forms.ChoiceField(choices=SECTIONS, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    def __init__(self, *args, report=None, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["key"].choices = report.sections_of_kind


class CommentForm(LockedReportFormMixin, forms.Form):
    section = forms.ChoiceField(choices=SECTIONS, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": _("Write a comment.")},
    )

    def __init__(self, *args, report=None, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["section"].choices = report.sections_of_kind

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a comment."))
        return text


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the new version"),
        max_length=300,
        help_text=_("What is corrected. Shown on both versions."),
    )


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(queryset=SituationReport.objects.none(), label=_("Report"))
    b = forms.ModelChoiceField(queryset=SituationReport.objects.none(), label=_("Compare with"))

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].queryset = queryset
        self.fields["b"].queryset = queryset

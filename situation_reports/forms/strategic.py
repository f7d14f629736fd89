"""Forms of the strategic lägesbild: asking for one, and a problem with its cause analysis."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import Area, Body
from trygghet.limits import EARLIEST_DATE, CleanTextFormMixin

from ..models import IncidentCategory, Problem
from ..models.indicators import Indicator
from .reports import LockedReportFormMixin, PeriodForm

# A strategic lägesbild covers at most five years (its trends reach further back by themselves).
MAX_YEARS = 5


class StrategicReportForm(PeriodForm):
    """A calendar year (the usual case), or dates of one's choice, and the owning body."""

    YEAR, CUSTOM = "year", "custom"

    body = forms.ModelChoiceField(
        label=_("Owned by"), queryset=Body.objects.none(), empty_label=None
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(YEAR, _("A calendar year")), (CUSTOM, _("Dates of my choice"))],
        initial=YEAR,
        widget=forms.RadioSelect,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=EARLIEST_DATE.year)
    field_order = ["body", "period", "year", "start", "end"]

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        today = timezone.localdate()
        self.fields["year"].validators.append(MaxValueValidator(today.year))
        self.fields["year"].widget.attrs["max"] = today.year
        self.fields["year"].initial = today.year - 1

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        if cleaned.get("period") == self.YEAR:
            year = cleaned.get("year")
            if year is None:
                if "year" not in self.errors:
                    self.add_error("year", _("Give the year."))
                return cleaned
            cleaned["start"] = datetime.date(year, 1, 1)
            cleaned["end"] = min(datetime.date(year, 12, 31), today)
            return cleaned
        return self.check_period(cleaned, today)

    def too_long(self, start, end):
        if end.year - start.year >= MAX_YEARS:
            return _("A strategic situation report covers at most five years.")
        return ""


class ProblemForm(LockedReportFormMixin, CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "title",
            "priority",
            "description",
            "areas",
            "places",
            "categories",
            "affected_groups",
            "supporting_figures",
            "indicators",
            "causes",
            "risk_factors",
            "protective_factors",
            "offenders",
            "targets",
            "situations",
            "evidence",
        ]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "categories": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, report, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):  # the model's text fields
                field.widget.attrs["rows"] = 3
        municipality = report.municipality
        self.fields["areas"].queryset = Area.objects.filter(
            municipality=municipality, is_active=True
        ).order_by("name")
        self.fields["categories"].queryset = IncidentCategory.objects.available_to(
            municipality
        ).order_by("name")
        self.fields["indicators"].queryset = Indicator.objects.available_to(municipality)

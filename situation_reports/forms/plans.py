"""Forms of the action plan: the plan, its decision and revision, its measures with their
indicators and updates, the annual follow-up report, the decision register and what is
published on the public page."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.forms.common import DateInput, PersonChoiceField, ValidateSetFieldsMixin
from councils.models import Action, Body, CitizenPromise, User
from councils.selectors import organisations_of, people_of
from meetings.models import Meeting
from trygghet.limits import CleanTextFormMixin

from ..models import (
    ActionPlan,
    Decision,
    DecisionMaker,
    Measure,
    MeasureIndicator,
    MeasureUpdate,
    Problem,
    PublicSummary,
    SituationReport,
)
from ..models.indicators import Indicator
from ..models.plans import FIRST_YEAR, LAST_YEAR, TEXT_LIMIT, term_of_office
from ..services.compiling import strategic_bodies
from ..services.plans import based_on_choices

# How far ahead a review may lie: within the term of office (four years).
REVIEW_YEARS = 4


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_title


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class PlanForm(CleanTextFormMixin, forms.ModelForm):
    based_on = ReportChoiceField(
        label=_("Based on the lägesbild"),
        queryset=SituationReport.objects.none(),
        help_text=_("The approved strategic lägesbild whose problems the plan answers."),
    )

    class Meta:
        model = ActionPlan
        fields = ["title", "first_year", "last_year", "based_on", "body", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["based_on"].queryset = based_on_choices(municipality)
        self.fields["body"].queryset = strategic_bodies(municipality)
        for name in ("first_year", "last_year"):
            self.fields[name].widget.attrs.update(min=FIRST_YEAR, max=LAST_YEAR)
        if self.instance.pk is None:
            first, last = term_of_office()
            self.fields["first_year"].initial = first
            self.fields["last_year"].initial = last

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last - first >= 8:
            self.add_error("last_year", _("An action plan covers at most two terms of office."))
        based_on = cleaned.get("based_on")
        if (
            self.instance.pk
            and based_on
            and based_on.pk != self.instance.based_on_id
            and self.instance.measures.exists()
        ):
            # The measures answer problems of the lägesbild they were written for.
            self.add_error(
                "based_on",
                _(
                    "The plan's measures answer problems of its present lägesbild: base a new "
                    "plan on the other one, or remove the measures first."
                ),
            )
        return cleaned


class PlanDecisionForm(CleanTextFormMixin, forms.Form):
    made_by = forms.ChoiceField(
        label=_("Decided by"),
        choices=[c for c in DecisionMaker.choices if c[0] != DecisionMaker.BODY],
    )
    board_name = forms.CharField(
        label=_("Name of the deciding board"),
        max_length=200,
        required=False,
        help_text=_("e.g. Kommunstyrelsen, Socialnämnden."),
    )
    date = forms.DateField(label=_("Decision date"), widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraph (§)"), max_length=40)
    registry_number = forms.CharField(label=_("Registry number"), max_length=60, required=False)
    review_date = forms.DateField(
        label=_("Review by"),
        widget=DateInput(),
        help_text=_(
            "At least once per term of office. The coordinators are reminded 90 days before."
        ),
    )
    text = forms.CharField(
        label=_("The decision's wording"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_LIMIT}),
        help_text=_("As the minutes have it. Entered in the decision register."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["review_date"].initial = datetime.date(plan.last_year, 9, 30)

    def clean_date(self):
        return _not_in_future(
            self.cleaned_data["date"], _("A decision cannot be dated in the future.")
        )

    def clean(self):
        cleaned = super().clean()
        date, review = cleaned.get("date"), cleaned.get("review_date")
        if date and review:
            if review <= date:
                self.add_error("review_date", _("The review must come after the decision."))
            elif review > date.replace(year=date.year + REVIEW_YEARS) - datetime.timedelta(days=1):
                self.add_error(
                    "review_date",
                    _("Review the plan at least once per term of office: within four years."),
                )
        return cleaned


class RevisionForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the plan is revised"),
        max_length=300,
        help_text=_("e.g. the new lägesbild 2026, the review of the term of office."),
    )


class MeasureForm(CleanTextFormMixin, forms.ModelForm):
    responsible_person = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Responsible person"),
        help_text=_("Writes the quarterly updates and is reminded of them."),
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "problems",
            "responsible_organisation",
            "responsible_body",
            "responsible_person",
            "other_parties",
            "hours_planned",
            "budget",
            "start_date",
            "end_date",
            "agreement_action",
            "citizen_promise",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
            "problems": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        municipality = plan.municipality
        self.fields["problems"].queryset = Problem.objects.filter(
            report_id=plan.based_on_id
        ).order_by("position", "pk")
        self.fields["problems"].help_text = _("The problems of the lägesbild this measure answers.")
        self.fields["responsible_person"].queryset = people_of(municipality)
        self.fields["responsible_organisation"].queryset = organisations_of(municipality)
        self.fields["responsible_body"].queryset = Body.objects.in_municipality(
            municipality
        ).order_by("name")
        self.fields["agreement_action"].queryset = (
            Action.objects.filter(focus_area__agreement__municipality=municipality)
            .select_related("focus_area__agreement")
            .order_by("-focus_area__agreement__start_date", "title")
        )
        self.fields["citizen_promise"].queryset = CitizenPromise.objects.filter(
            agreement__municipality=municipality
        ).order_by("-agreement__start_date", "title")
        self.fields["is_public"].help_text = _(
            "Shown on the public page once the plan is decided and published."
        )
        if self.instance.pk is None:
            self.fields["start_date"].initial = datetime.date(plan.first_year, 1, 1)
            self.fields["end_date"].initial = datetime.date(plan.last_year, 12, 31)


class MeasureIndicatorForm(ValidateSetFieldsMixin, forms.ModelForm):
    set_fields = ("measure",)

    class Meta:
        model = MeasureIndicator
        fields = ["indicator", "direction", "baseline", "baseline_year", "target", "target_year"]

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        plan = measure.plan
        self.fields["indicator"].queryset = Indicator.objects.available_to(
            plan.municipality
        ).filter(is_active=True)
        for name in ("baseline_year", "target_year"):
            self.fields[name].widget.attrs.update(min=FIRST_YEAR, max=LAST_YEAR)
        self.fields["baseline_year"].initial = plan.based_on.period_end.year
        self.fields["target_year"].initial = plan.last_year


class MeasureUpdateForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = MeasureUpdate
        fields = ["date", "status", "output", "process", "effect", "hours_spent", "money_spent"]
        widgets = {
            "date": DateInput(),
            "output": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
            "process": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
            "effect": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
        }

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = measure.status

    def clean_date(self):
        return _not_in_future(
            self.cleaned_data["date"], _("An update cannot be dated in the future.")
        )


class FollowUpReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    body = forms.ModelChoiceField(
        label=_("Prepared by"), queryset=Body.objects.none(), empty_label=None
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        last = min(plan.last_year, today.year)
        self.fields["year"].widget.attrs.update(min=plan.first_year, max=last)
        self.fields["year"].initial = max(plan.first_year, min(last, today.year - 1))
        self.fields["body"].queryset = strategic_bodies(plan.municipality)
        if plan.body_id:
            self.fields["body"].initial = plan.body_id
        self.plan = plan
        self.last = last

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.plan.first_year <= year <= self.last:
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": self.plan.first_year, "last": self.last}
            )
        return year


class DecisionForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "made_by",
            "body",
            "board_name",
            "meeting",
            "paragraph",
            "date",
            "registry_number",
            "title",
            "text",
            "plans",
            "measures",
            "agreement_actions",
        ]
        widgets = {
            "date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT}),
            "plans": forms.CheckboxSelectMultiple,
            "measures": forms.SelectMultiple(attrs={"size": 6}),
            "agreement_actions": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, municipality, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["body"].queryset = Body.objects.in_municipality(municipality).order_by("name")
        self.fields["meeting"].queryset = (
            Meeting.objects.restrict(membership)
            .filter(status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED])
            .select_related("body")
            .order_by("-start")
        )
        self.fields["plans"].queryset = ActionPlan.objects.in_municipality(municipality)
        self.fields["measures"].queryset = Measure.objects.filter(
            plan__municipality=municipality
        ).select_related("plan")
        self.fields["agreement_actions"].queryset = Action.objects.filter(
            focus_area__agreement__municipality=municipality
        )

    def clean_date(self):
        return _not_in_future(
            self.cleaned_data["date"], _("A decision cannot be dated in the future.")
        )


class PublicSummaryForm(CleanTextFormMixin, forms.ModelForm):
    report = ReportChoiceField(
        label=_("Summary of the lägesbild"), queryset=SituationReport.objects.none(), required=False
    )

    class Meta:
        model = PublicSummary
        fields = ["title", "report", "text", "is_published"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_LIMIT})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["report"].queryset = based_on_choices(municipality)
        self.fields["text"].help_text = _(
            "Written for everyone: it is shown as it is, without login. Never restricted "
            "information."
        )

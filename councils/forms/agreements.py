"""Forms of the agreement pages: the agreement, its renewal, focus areas, goals and their values,
actions and their follow-ups, and citizen promises. Every choice of a related row is limited to
the municipality of the page, and the models' ``clean`` holds the rules (so the admin keeps
them too)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    Body,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    GoalMeasurement,
    Organisation,
    User,
)
from councils.selectors import organisations_of, people_of
from trygghet.limits import validate_in_range

from .common import DateInput, MunicipalFormMixin, PersonChoiceField, ValidateSetFieldsMixin


class AgreementForm(MunicipalFormMixin, forms.ModelForm):
    # The one-active-agreement rule is checked in Agreement.clean (message on the status).

    class Meta:
        model = Agreement
        fields = [
            "title",
            "police_area",
            "start_date",
            "end_date",
            "status",
            "steering_body",
            "problem_picture",
            "municipal_signatory",
            "police_signatory",
            "signed_on",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "signed_on": DateInput(),
            "problem_picture": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = self.municipality
        self.fields["police_area"].queryset = organisations_of(self.municipality).filter(
            kind=Organisation.Kind.POLICE
        )
        self.fields["steering_body"].queryset = Body.objects.in_municipality(
            self.municipality
        ).order_by("name")


class RenewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(
        label=_("Period from"), widget=DateInput(), validators=[validate_in_range]
    )
    end_date = forms.DateField(
        label=_("Period to"), widget=DateInput(), validators=[validate_in_range]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The period must end after it starts."))
        return data


class FocusAreaForm(ValidateSetFieldsMixin, forms.ModelForm):
    set_fields = ("agreement",)

    class Meta:
        model = FocusArea
        fields = ["title", "description", "causes", "position"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "causes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "indicator",
            "unit",
            "direction",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "source",
        ]
        widgets = {"baseline_date": DateInput(), "target_date": DateInput()}
        error_messages = {
            "target": {"required": _("A goal needs a target: the value to reach.")},
            "target_date": {"required": _("A goal needs a date by which to reach its target.")},
            "baseline": {"required": _("A goal needs a baseline to measure from.")},
        }

    def __init__(self, *args, focus_area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.focus_area = focus_area


class GoalMeasurementForm(ValidateSetFieldsMixin, forms.ModelForm):
    set_fields = ("goal",)

    class Meta:
        model = GoalMeasurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.goal = goal


class ActionForm(MunicipalFormMixin, forms.ModelForm):
    lead = PersonChoiceField(queryset=User.objects.none(), label=_("Lead"))

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "responsible_organisation",
            "working_group",
            "lead",
            "start_date",
            "due_date",
            "status",
            "is_priority",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, focus_area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.focus_area = focus_area
        self.fields["lead"].queryset = people_of(self.municipality)
        self.fields["responsible_organisation"].queryset = organisations_of(self.municipality)
        self.fields["working_group"].queryset = Body.objects.in_municipality(
            self.municipality
        ).order_by("name")


class ActionUpdateForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["date", "status", "note", "hours_spent"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["status"].initial = action.status

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be dated in the future."))
        return date


class CitizenPromiseForm(forms.ModelForm):
    class Meta:
        model = CitizenPromise
        fields = ["title", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement


class CitizenPromiseUpdateForm(forms.ModelForm):
    class Meta:
        model = CitizenPromiseUpdate
        fields = ["date", "status", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "note": _(
                "Written for the residents: shown on the public page when the promise is "
                "public. Never restricted information."
            )
        }

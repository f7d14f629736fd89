"""Forms of the councils pages. Every choice of a related row is limited to the municipality
of the page, and the models' ``clean`` holds the rules (so the admin keeps them too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from trygghet.limits import validate_in_range

from .models import (
    Action,
    ActionUpdate,
    Agreement,
    Body,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    GoalMeasurement,
    Membership,
    Organisation,
    User,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def people_of(municipality):
    return User.objects.filter(
        municipality_memberships__municipality=municipality,
        municipality_memberships__is_active=True,
        is_active=True,
    ).order_by("first_name", "last_name")


def organisations_of(municipality):
    return Organisation.objects.filter(municipalities=municipality).order_by("name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ValidateSetFieldsMixin:
    """Fields the view sets on the instance (not form fields) would be left out of the
    unique-constraint checks; put them back, so a duplicate gets a message, not a 500."""

    set_fields = ()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.set_fields)


class MunicipalFormMixin:
    """Takes the page's municipality; subclasses limit their choices to it."""

    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)


class BodyForm(ValidateSetFieldsMixin, MunicipalFormMixin, forms.ModelForm):
    set_fields = ("municipality",)

    class Meta:
        model = Body
        fields = ["name", "kind", "parent", "mandate", "is_active"]
        widgets = {"mandate": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = self.municipality
        parents = Body.objects.in_municipality(self.municipality)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        # The parent list shows only this municipality's bodies; a foreign pk posted anyway is
        # refused by the field (not in its queryset), and the model's clean checks once more.
        self.fields["parent"].queryset = parents.order_by("name")
        self.fields["parent"].help_text = _(
            "A working group belongs to the preparation group that appointed it."
        )


class MembershipForm(MunicipalFormMixin, forms.ModelForm):
    user = PersonChoiceField(queryset=User.objects.none(), label=_("Person"))

    class Meta:
        model = Membership
        fields = ["user", "role", "organisation", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.fields["user"].queryset = people_of(self.municipality)
        self.fields["organisation"].queryset = organisations_of(self.municipality)
        self.fields["end_date"].help_text = _("Leave empty while the person takes part.")
        if self.instance.pk:
            self.fields["user"].disabled = True


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
        from django.utils import timezone

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

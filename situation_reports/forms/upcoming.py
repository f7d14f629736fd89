"""The form of an upcoming event (omvärldsbevakning)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from trygghet.limits import CleanTextFormMixin

from ..models import UpcomingEvent
from ..validators import validate_no_personal_identity_number
from .incidents import AreaChoiceField


class UpcomingEventForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = UpcomingEvent
        fields = ["title", "kind", "starts_on", "ends_on", "area", "expected_effect"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["area"] = AreaChoiceField(
            queryset=Area.objects.filter(municipality=municipality, is_active=True),
            required=False,
            label=_("Area"),
            municipality=municipality,
        )

    def clean_expected_effect(self):
        text = self.cleaned_data.get("expected_effect", "").strip()
        validate_no_personal_identity_number(text)
        return text

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day is before the first day."))
        return cleaned

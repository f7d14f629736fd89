"""The form of a subscription (issue 17): only choices the person may read are offered (the
municipality's categories, the areas, the bodies whose meetings they follow)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from meetings.permissions import followed_bodies
from situation_reports.models import IncidentCategory

from .alert_models import Subscription
from .limits import CleanTextFormMixin


class SubscriptionForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["kind", "frequency", "categories", "areas", "bodies"]
        widgets = {
            "kind": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            # A list of options, as the incident list's filter: a category is a choice only.
            "categories": forms.SelectMultiple(attrs={"size": 8}),
            "areas": forms.CheckboxSelectMultiple,
            "bodies": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "categories": _("Incidents only. None chosen: every category."),
            "areas": _("Incidents only. None chosen: every area, and incidents without one."),
            "bodies": _("Meeting changes only. None chosen: every body whose meetings you follow."),
        }

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = membership.municipality
        self.fields["kind"].choices = Subscription.Kind.choices
        self.fields["frequency"].choices = Subscription.Frequency.choices
        self.fields["categories"].queryset = IncidentCategory.objects.available_to(
            municipality
        ).order_by("position", "name")
        self.fields["areas"].queryset = Area.objects.restrict(membership).order_by("name")
        self.fields["bodies"].queryset = followed_bodies(membership).order_by("name")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        # Filters of another kind do not apply: not kept, so the list shows what counts.
        if kind != Subscription.Kind.INCIDENTS:
            cleaned["categories"] = []
            cleaned["areas"] = []
        if kind != Subscription.Kind.MEETING_CHANGES:
            cleaned["bodies"] = []
        return cleaned

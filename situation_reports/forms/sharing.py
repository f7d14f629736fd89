"""Forms of sharing: what the municipality shares with whom, regional roles, and one approved
lägesbild shared with a neighbouring municipality."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms.common import ValidateSetFieldsMixin
from councils.models import Municipality, Organisation, User
from trygghet.limits import CleanTextFormMixin

from ..models import Sharing


def other_municipalities(municipality):
    return Municipality.objects.exclude(pk=municipality.pk).order_by("name")


def serving_authorities(municipality):
    """The public authorities that serve ``municipality``: a police area, a rescue service."""
    return Organisation.objects.filter(
        municipalities=municipality, kind__in=Organisation.PUBLIC_AUTHORITY_KINDS
    ).order_by("name")


class SharingForm(ValidateSetFieldsMixin, forms.ModelForm):
    set_fields = ("municipality",)

    class Meta:
        model = Sharing
        fields = ["recipient", "partner", "organisation", "figures", "summaries"]
        widgets = {"recipient": forms.RadioSelect}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["partner"].queryset = other_municipalities(municipality)
        self.fields["partner"].help_text = _("Only for a neighbouring municipality.")
        self.fields["organisation"].queryset = serving_authorities(municipality)
        self.fields["organisation"].help_text = _(
            "Only for a police area or rescue service; its people read it wherever they work."
        )
        county = municipality.county or _("the county")
        self.fields["recipient"].choices = [
            (Sharing.Recipient.MUNICIPALITY, _("a neighbouring municipality")),
            (
                Sharing.Recipient.COUNTY,
                _("the municipalities of %(county)s and the regional roles granted here")
                % {"county": county},
            ),
            (Sharing.Recipient.ORGANISATION, _("a police area or rescue service")),
        ]
        if self.instance.pk:
            # Whom it is shared with is the row itself: change the levels, or end it.
            for name in ("recipient", "partner", "organisation"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        recipient = data.get("recipient", self.instance.recipient)
        # The other recipient's field is ignored, not refused (it may still hold a choice).
        if recipient != Sharing.Recipient.MUNICIPALITY:
            self.instance.partner = data["partner"] = None
        if recipient != Sharing.Recipient.ORGANISATION:
            self.instance.organisation = data["organisation"] = None
        return data


class RegionalRoleForm(CleanTextFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("The person's e-mail address"),
        max_length=254,
        help_text=_("The person must already have an account in Trygghet."),
    )
    title = forms.CharField(
        label=_("Regional role"),
        max_length=200,
        help_text=_("e.g. crime-prevention coordinator at the county administrative board"),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(users) != 1:
            raise forms.ValidationError(_("No single active account has this e-mail address."))
        self.user = users[0]
        return email


class ReportShareForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Share with"), queryset=Municipality.objects.none(), empty_label=None
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = other_municipalities(municipality)

"""The form of a new API token (its secret is shown once, by the page that saves it)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from councils.models import MunicipalityMembership
from trygghet.limits import CleanTextFormMixin


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user} – {membership.organisation}"


class ApiTokenForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, e.g. “Guard reports”."),
    )
    person = MembershipChoiceField(
        label=_("Organisation, through its contact person"),
        queryset=MunicipalityMembership.objects.none(),
        help_text=_(
            "The token reads what a partner of this person's organisation may read (restricted "
            "incidents only for public authorities), and the meetings of the bodies the person "
            "sits in. It stops working if the person leaves or changes organisation."
        ),
    )
    can_read = forms.BooleanField(label=_("Read"), required=False, initial=True)
    can_write_incidents = forms.BooleanField(label=_("Log incidents"), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            MunicipalityMembership.objects.filter(
                municipality=municipality,
                is_active=True,
                user__is_active=True,
                organisation__isnull=False,
            )
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__first_name", "user__last_name", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("can_read") or cleaned.get("can_write_incidents")):
            raise ValidationError(_("Choose at least one permission."))
        return cleaned

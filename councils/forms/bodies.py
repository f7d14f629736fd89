"""Forms of the organisation chart: bodies and the seats in them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Body, Membership, MunicipalityMembership, User
from councils.selectors import organisations_of, people_of

from .common import DateInput, MunicipalFormMixin, PersonChoiceField, ValidateSetFieldsMixin


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


class PersonSelect(forms.Select):
    """The people, each option carrying the organisation the person belongs to in the
    municipality (``data-organisation``): the form's script puts it into "represents" when a
    person is chosen (issue 12, point 11)."""

    class Media:
        js = ["councils/seat_form.js"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        organisation = self.organisations.get(getattr(value, "value", value))
        if organisation:
            option["attrs"]["data-organisation"] = organisation
        return option


def home_organisations(municipality):
    """{user id: organisation id} of the people of the municipality who belong to one."""
    return dict(
        MunicipalityMembership.objects.filter(
            municipality=municipality, organisation__isnull=False
        ).values_list("user_id", "organisation_id")
    )


class MembershipForm(MunicipalFormMixin, forms.ModelForm):
    user = PersonChoiceField(queryset=User.objects.none(), label=_("Person"), widget=PersonSelect)

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
        self.home_organisations = home_organisations(self.municipality)
        self.fields["user"].widget.organisations = self.home_organisations
        self.fields["user"].widget.attrs["data-fills"] = self.add_prefix("organisation")
        if self.instance.pk:
            self.fields["user"].disabled = True
        else:
            self.fields["organisation"].help_text = _(
                "Left empty: the organisation the person belongs to in the municipality."
            )

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if self.instance.pk is None and user is not None and not cleaned.get("organisation"):
            # Without the script (or when nobody changed it), the seat represents the
            # person's own organisation, as a coordinator adding them means it to.
            home = self.home_organisations.get(user.pk)
            if home is not None:
                cleaned["organisation"] = (
                    self.fields["organisation"].queryset.filter(pk=home).first()
                )
        return cleaned

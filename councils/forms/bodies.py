"""Forms of the organisation chart: bodies and the seats in them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Body, Membership, User
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

"""Forms of the municipal administration pages: people and organisations."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from councils import permissions
from councils.models import MunicipalityMembership, Organisation
from councils.selectors import organisations_of
from trygghet import sso


def role_choices_for(acting):
    """The roles ``acting`` may give (``permissions.can_give_role``)."""
    return [
        (value, label)
        for value, label in MunicipalityMembership.Role.choices
        if permissions.can_give_role(acting, value)
    ]


def organisation_field_for(field, acting, current=None):
    """Limit a person's organisation field to what ``acting`` may choose (see
    ``permissions.can_set_organisation``): a coordinator is not offered public authorities, and
    cannot change the organisation of a person who belongs to one (a disabled field ignores
    whatever is posted)."""
    field.queryset = organisations_of(acting.municipality)
    if permissions.can_make_public_authority(acting):
        return
    if not permissions.can_move_out_of(acting, current):
        field.disabled = True
        field.help_text = _("Only an administrator moves a person out of a public authority.")
        return
    field.queryset = field.queryset.exclude(kind__in=Organisation.PUBLIC_AUTHORITY_KINDS)
    field.help_text = _(
        "Public authorities (municipal administration, police, rescue service) read restricted "
        "incidents: only an administrator puts a person into one."
    )


class PersonFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("role"),
        required=False,
        choices=[("", _("All"))] + list(MunicipalityMembership.Role.choices),
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"), required=False, queryset=Organisation.objects.none()
    )
    active = forms.ChoiceField(
        label=_("active"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(municipality)
        self.fields["organisation"].empty_label = _("All")

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("role"):
            qs = qs.filter(role=data["role"])
        if data.get("organisation"):
            qs = qs.filter(organisation=data["organisation"])
        if data.get("active") == "yes":
            qs = qs.filter(is_active=True)
        elif data.get("active") == "no":
            qs = qs.filter(is_active=False)
        return qs


class PersonCreateForm(forms.Form):
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    email = forms.EmailField(
        label=_("e-mail"),
        help_text=_(
            "A person who already has an account (e.g. in another municipality) keeps it: "
            "the role is added to that account."
        ),
    )
    role = forms.ChoiceField(label=_("role"))
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("job title"), max_length=120, required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(membership)
        # Most people invited are members; an administrator is chosen on purpose (issue 12).
        self.fields["role"].initial = MunicipalityMembership.Role.MEMBER
        organisation_field_for(self.fields["organisation"], membership)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class PersonEditForm(forms.ModelForm):
    class Meta:
        model = MunicipalityMembership
        fields = ["role", "organisation", "title", "is_active"]
        help_texts = {
            "is_active": pgettext_lazy(
                "person",
                "An inactive person can no longer reach the municipality's pages; "
                "their history is kept.",
            )
        }

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(membership)
        organisation_field_for(self.fields["organisation"], membership, self.instance.organisation)
        self.fields["organisation"].required = True


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "password_login"]

    def __init__(self, *args, membership, attach=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not (
            sso.enabled() and self.instance.pk is not None and permissions.acts_as_admin(membership)
        ):
            # How its people log in is an admin's decision about an organisation that exists,
            # and only means something once single sign-on is configured (trygghet/sso.py).
            del self.fields["password_login"]
        if not permissions.can_make_public_authority(membership):
            # The kind decides who reads restricted incidents (GDPR art. 10): only an admin
            # makes an organisation a public authority, or changes a public authority's kind.
            kind = self.fields["kind"]
            if self.instance.pk is not None and self.instance.is_public_authority:
                kind.disabled = True
                kind.help_text = _(
                    "Only an administrator can change the kind of a public authority."
                )
            else:
                kind.choices = [
                    (value, label)
                    for value, label in kind.choices
                    if value not in Organisation.PUBLIC_AUTHORITY_KINDS
                ]
                kind.help_text = _(
                    "Public authorities (municipal administration, police, rescue service) may "
                    "read restricted incidents: only an administrator adds those."
                )
        if attach:
            self.fields["name"].help_text = _(
                "If an organisation of this name already works in another municipality "
                "(e.g. a rescue service), it is added to this municipality as it is."
            )

    def _get_validation_exclusions(self):
        # On create an existing name is not an error: the service attaches that organisation
        # (one row serves several municipalities). Left to the model, the unique constraint on
        # the name (checked with the model's other constraints in full_clean) would refuse it.
        # On edit it is checked, by clean_name and the constraint.
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is None:
            exclude.add("name")
        return exclude

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.instance.pk is not None:
            clash = Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("Another organisation already has this name."))
        return name

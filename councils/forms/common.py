"""What the councils forms share: the date widget, the person field and two mixins."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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

"""The forms of indicator series: a municipality's own measure, one value, and the import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from trygghet.limits import CleanTextFormMixin

from ..models.indicators import (
    AGE_GROUP_MAX,
    Indicator,
    IndicatorValue,
    Section,
    Sex,
    period_label,
)
from ..services import indicators as service
from ..validators import validate_no_personal_identity_number
from .incidents import AreaChoiceField


class IndicatorForm(CleanTextFormMixin, forms.ModelForm):
    """A municipality's own measure, next to the default catalogue."""

    link = forms.URLField(label=_("link"), required=False, assume_scheme="https", max_length=500)

    class Meta:
        model = Indicator
        fields = ["name", "unit", "source", "section", "method_note", "link"]
        widgets = {"method_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        # Left out, a measure is other information (the model's default).
        self.fields["section"].required = False

    def clean_section(self):
        return self.cleaned_data.get("section") or Section.OTHER_INFORMATION

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Indicator.objects.available_to(self.municipality).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("There is already a measure with this name."))
        return name

    def clean_method_note(self):
        text = self.cleaned_data.get("method_note", "").strip()
        validate_no_personal_identity_number(text)
        return text

    def save(self, commit=True):
        indicator = super().save(commit=False)
        indicator.municipality = self.municipality
        if not indicator.code:
            base = slugify(indicator.name)[:50] or "measure"
            code, n = base, 1
            while Indicator.objects.filter(municipality=self.municipality, code=code).exists():
                n += 1
                code = f"{base}-{n}"
            indicator.code = code
        if commit:
            indicator.save()
        return indicator


class IndicatorValueForm(CleanTextFormMixin, forms.ModelForm):
    """One figure: the period is written as in the import (2025, 2025-VT, 2025-Q1, 2025-03)."""

    period_text = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("2025, 2025-VT, 2025-HT, 2025-Q1 or 2025-03."),
    )
    value = forms.CharField(label=_("Value"), max_length=30, help_text=_("For example 12,5."))

    class Meta:
        model = IndicatorValue
        fields = ["area", "sex", "age_group"]

    field_order = ["period_text", "value", "area", "sex", "age_group"]

    def __init__(self, *args, indicator, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.municipality = municipality
        self.fields["area"] = AreaChoiceField(
            queryset=Area.objects.filter(municipality=municipality, is_active=True),
            required=False,
            label=_("Area"),
            empty_label=_("The whole municipality"),
            municipality=municipality,
        )
        self.fields["sex"].choices = Sex.choices
        self.fields["age_group"].max_length = AGE_GROUP_MAX
        if self.instance.pk and not self.is_bound:
            self.initial["period_text"] = self.instance.period_label
            self.initial["value"] = f"{self.instance.value.normalize():f}".replace(".", ",")

    def clean_period_text(self):
        try:
            return service.parse_period(self.cleaned_data["period_text"])
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean_value(self):
        try:
            number = service.parse_value(self.cleaned_data["value"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        message = service.check_value(self.indicator, number)
        if message:
            raise ValidationError(message)
        return number

    def clean_age_group(self):
        text = self.cleaned_data.get("age_group", "").strip().replace(" ", "").replace("–", "-")
        if text and not service.AGE_GROUP.match(text):
            raise ValidationError(_("Write the age group as for example 15-19 or 65+."))
        return text

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period_text")
        if period and "age_group" in cleaned and "sex" in cleaned:
            taken = IndicatorValue.objects.filter(
                municipality=self.municipality,
                indicator=self.indicator,
                area=cleaned.get("area"),
                period=period[0],
                year=period[1],
                part=period[2],
                sex=cleaned.get("sex") or "",
                age_group=cleaned.get("age_group") or "",
            )
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "period_text",
                    _("There is already a value for %(period)s with this place and breakdown.")
                    % {"period": period_label(*period)},
                )
        return cleaned

    def save(self, commit=True):
        value = super().save(commit=False)
        value.municipality = self.municipality
        value.indicator = self.indicator
        value.period, value.year, value.part = self.cleaned_data["period_text"]
        value.value = self.cleaned_data["value"]
        value.sex = value.sex or ""
        if commit:
            value.save()
        return value


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: measure (name or code), period, value, and optionally unit, area, sex "
            "and age group (Swedish or English headings)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > service.MAX_FILE_SIZE:
            raise ValidationError(_("The file is larger than 2 MB: split it."))
        return upload

"""Forms of incidents: logging and editing one, withdrawing it, importing a file, and the
municipality's own categories.

The incident form is made for a coordinator who logs twenty incidents after a weekend: it
opens with today's date, the time now, the user's own organisation and the last area they
used; every field is reachable by keyboard; "save and log another" keeps the date and area.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from councils.models import Area, Organisation
from councils.services.geography import Locator, assign_area
from councils.widgets import map_context, position_picker_attrs
from trygghet.limits import MAX_TEXT_LENGTH, CleanTextFormMixin, validate_in_range
from trygghet.offline import PhotoFieldsMixin

from .. import permissions
from ..models import Incident, IncidentCategory, part_of_day_for
from ..services.csv_import import MAX_FILE_SIZE
from ..services.incidents import possible_duplicates
from ..validators import validate_no_personal_identity_number

# A clock a minute fast on a laptop must not refuse an incident logged "now".
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
FIVE_DECIMALS = Decimal("0.00001")
# What a description may hold (the app's limit of free text, a page and a half of A4).
MAX_DESCRIPTION_LENGTH = MAX_TEXT_LENGTH


class AreaChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "Choose one of %(municipality)s's areas: the area given is not one of them."
        ) % {"municipality": municipality.name if municipality else ""}


class CoordinateField(forms.DecimalField):
    """A latitude or longitude as people write it: a point or a comma before the decimals
    ("55,70512" is Swedish for 55.70512), any number of decimals (rounded to five, about a
    metre). Anything else gets a message saying how to write it, in the reader's language."""

    widget = forms.TextInput

    def __init__(self, *, label, example, **kwargs):
        self.example = example
        super().__init__(label=label, required=False, **kwargs)
        # Lazy: the message is put together in the language of the request that reads it.
        self.error_messages["invalid"] = lazy(self._invalid_message, str)()

    def _invalid_message(self):
        return _(
            "Write the %(field)s as one decimal number, such as %(example)s or %(example_comma)s."
        ) % {
            "field": str(self.label).lower(),
            "example": self.example,
            "example_comma": self.example.replace(".", ","),
        }

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u2212", "-")  # a typographic minus, pasted
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        value = super().to_python(value)
        if value is not None and (not value.is_finite() or abs(value) > 1000):
            # Not a number of degrees (and too big to round).
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return _rounded(value)


class IncidentForm(CleanTextFormMixin, PhotoFieldsMixin, forms.ModelForm):
    """Logging an incident, with a photo and, from a device's offline queue, the device's
    key of the entry (``trygghet.offline``)."""

    occurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_in_range],
    )
    start_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty when the time is unknown, and choose a part of the day."),
    )
    end_on = forms.DateField(
        label=_("End date"),
        required=False,
        validators=[validate_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only if it lasted past midnight."),
    )
    end_time = forms.TimeField(
        label=_("End time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    latitude = CoordinateField(label=_("Latitude"), example="55.70512")
    longitude = CoordinateField(label=_("Longitude"), example="13.18234")
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, this is a different incident: save it anyway"),
        required=False,
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Incident
        fields = [
            "category",
            "occurred_on",
            "start_time",
            "part_of_day",
            "end_on",
            "end_time",
            "area",
            "place",
            "latitude",
            "longitude",
            "description",
            "severity",
            "confidentiality",
            "organisation",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, membership, **kwargs):
        self.membership = membership
        self.municipality = membership.municipality
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["category"].queryset = IncidentCategory.objects.available_to(self.municipality)
        self.fields["category"].empty_label = _("– choose a category –")
        self.fields["area"] = AreaChoiceField(
            queryset=Area.objects.filter(municipality=self.municipality, is_active=True),
            required=False,
            label=_("Area"),
            municipality=self.municipality,
        )
        self.fields["area"].empty_label = _("– no particular area –")
        # A map to pick the position on; a position inside an area's outline gives the area.
        self.locator = Locator(self.municipality)
        self.fields["latitude"].widget.attrs.update(
            position_picker_attrs(map_context(self.municipality))
        )
        self.fields["part_of_day"].help_text = _("Needed only when the time is unknown.")
        self.fields["part_of_day"].choices = [
            ("", _("– from the time –")),
            *Incident.PartOfDay.choices,
        ]
        self.fields["description"].error_messages["required"] = _(
            "Describe what happened: the description may not be empty."
        )
        self.fields["description"].help_text = _(
            "What happened, without names or personal identity numbers."
        )
        # The limit is checked here, with a message saying by how much: the browser's own
        # maxlength would cut a pasted text short without a word.
        description = self.fields["description"]
        description.max_length = None
        description.validators = [
            v for v in description.validators if not isinstance(v, MaxLengthValidator)
        ]
        description.widget.attrs.pop("maxlength", None)
        description.widget.attrs["data-max-length"] = str(MAX_DESCRIPTION_LENGTH)
        self.fields["category"].error_messages["required"] = _("Choose a category.")
        organisations = Organisation.objects.filter(municipalities=self.municipality)
        if permissions.logs_for_any_organisation(membership):
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = False
        else:
            # Partners log from their own organisation only.
            own = membership.organisation_id
            self.fields["organisation"].queryset = Organisation.objects.filter(pk=own)
            self.fields["organisation"].disabled = True
            self.fields["organisation"].required = False
        self.fields["organisation"].label = _("Source organisation")
        if not membership.can_read_restricted:
            self.fields["confidentiality"].help_text = _(
                "A restricted incident is visible to public authorities only: once saved, "
                "you will not see it yourself."
            )
        if instance.pk:
            if instance.started_at:
                local = timezone.localtime(instance.started_at)
                self.initial.setdefault("start_time", local.time().replace(second=0))
            if instance.ended_at:
                local_end = timezone.localtime(instance.ended_at)
                self.initial.setdefault("end_time", local_end.time().replace(second=0))
                if local_end.date() != instance.occurred_on:
                    self.initial.setdefault("end_on", local_end.date())
            self.fields.pop("confirm_duplicate")
        else:
            now = timezone.localtime()
            self.initial.setdefault("occurred_on", now.date())
            self.initial.setdefault("start_time", now.time().replace(second=0, microsecond=0))
            self.initial.setdefault("organisation", membership.organisation_id)
        self.show_duplicate_confirmation = False

    def clean_description(self):
        text = (self.cleaned_data.get("description") or "").strip()
        if not text:
            raise ValidationError(self.fields["description"].error_messages["required"])
        if len(text) > MAX_DESCRIPTION_LENGTH:
            raise ValidationError(
                _(
                    "The description is %(length)s characters long, longer than the "
                    "%(limit)s allowed: shorten it by %(excess)s characters."
                ),
                code="too_long",
                params={
                    "length": number_format(len(text), force_grouping=True),
                    "limit": number_format(MAX_DESCRIPTION_LENGTH, force_grouping=True),
                    "excess": number_format(
                        len(text) - MAX_DESCRIPTION_LENGTH, force_grouping=True
                    ),
                },
            )
        validate_no_personal_identity_number(text)
        return text

    def clean_place(self):
        text = (self.cleaned_data.get("place") or "").strip()
        validate_no_personal_identity_number(text)
        return text

    def clean_organisation(self):
        if not permissions.logs_for_any_organisation(self.membership):
            return self.membership.organisation
        # Left empty: the logger's own organisation, as the form proposed.
        return self.cleaned_data.get("organisation") or self.membership.organisation

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("occurred_on")
        start_time = cleaned.get("start_time")
        end_on = cleaned.get("end_on")
        end_time = cleaned.get("end_time")
        now = timezone.localtime()
        tz = timezone.get_current_timezone()
        started_at = ended_at = None
        if date is not None:
            if date > now.date():
                self.add_error(
                    "occurred_on", _("The date is in the future: log what has happened.")
                )
            if start_time is not None:
                started_at = timezone.make_aware(datetime.datetime.combine(date, start_time), tz)
                if started_at > timezone.now() + FUTURE_TOLERANCE:
                    self.add_error(
                        "start_time", _("The time is in the future: log what has happened.")
                    )
            elif not cleaned.get("part_of_day"):
                self.add_error(
                    "part_of_day",
                    _("Give either a time or, when the time is unknown, a part of the day."),
                )
            if end_time is not None or end_on is not None:
                if start_time is None:
                    self.add_error("end_time", _("An end needs a start time."))
                elif end_time is None:
                    self.add_error("end_time", _("Give the end time."))
                else:
                    ended_at = timezone.make_aware(
                        datetime.datetime.combine(end_on or date, end_time), tz
                    )
                    if started_at is not None and ended_at < started_at:
                        self.add_error(
                            "end_time", _("The end is before the start: check the times.")
                        )
                    elif ended_at > timezone.now() + FUTURE_TOLERANCE:
                        self.add_error("end_time", _("The end is in the future."))
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lng is None):
            self.add_error(
                "longitude" if lng is None else "latitude",
                _("Give both latitude and longitude, or neither."),
            )
        elif lat is not None and (error := self.locator.position_error(lat, lng)):
            # Outside the municipality's outline (or Sweden): the map widget's module says so.
            self.add_error("latitude", error)
        self._started_at, self._ended_at = started_at, ended_at
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            assign_area(self.instance, self.locator)
            self.instance.started_at = self._started_at
            self.instance.ended_at = self._ended_at
            if self._started_at is not None:
                self.instance.part_of_day = ""  # recomputed from the time on save

    def duplicates(self):
        """Possible duplicates of the incident being saved (call after is_valid)."""
        incident = self.instance
        if incident.started_at is not None:
            incident.part_of_day = part_of_day_for(timezone.localtime(incident.started_at).time())
        incident.municipality = self.municipality
        return list(possible_duplicates(incident, self.membership)[:5])


def _rounded(value):
    if value is None:
        return None
    return value.quantize(FIVE_DECIMALS, rounding=ROUND_HALF_UP)


class IncidentEditForm(IncidentForm):
    """Editing adds the status (withdrawal has its own form, with a reason)."""

    class Meta(IncidentForm.Meta):
        fields = [*IncidentForm.Meta.fields, "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Photos are added when an incident is logged; the edit form leaves them as they are.
        for name in ("photo", "use_photo_position", "client_key"):
            self.fields.pop(name)
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != Incident.Status.WITHDRAWN
        ]
        self.fields["change_reason"] = forms.CharField(
            label=_("What did you change, and why?"), required=False, max_length=100
        )


class WithdrawForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Give a reason: an incident is only withdrawn with one.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason: an incident is only withdrawn with one."))
        validate_no_personal_identity_number(reason)
        return reason


class IncidentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: date, time, category, area, place, description, severity, "
            "confidentiality, latitude, longitude (Swedish or English headings; comma or "
            "semicolon)."
        ),
    )

    MAX_SIZE = MAX_FILE_SIZE

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise ValidationError(_("The file is larger than 5 MB: split it."))
        return upload


class IncidentCategoryForm(CleanTextFormMixin, forms.ModelForm):
    """A municipality's own category, next to the national list."""

    class Meta:
        model = IncidentCategory
        fields = ["name", "description"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if (
            IncidentCategory.objects.filter(
                models.Q(municipality__isnull=True) | models.Q(municipality=self.municipality),
                name__iexact=name,
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(_("There is already a category with this name."))
        return name

    def save(self, commit=True):
        category = super().save(commit=False)
        category.municipality = self.municipality
        if not category.code:
            base = slugify(category.name)[:50] or "category"
            code, number = base, 2
            while IncidentCategory.objects.filter(
                municipality=self.municipality, code=code
            ).exists():
                code, number = f"{base}-{number}", number + 1
            category.code = code
        category.position = 500
        if commit:
            category.save()
        return category

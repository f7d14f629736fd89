import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import Body, Organisation
from councils.selectors import people_of
from councils.services.geography import Locator
from councils.widgets import map_context, position_picker_attrs
from trygghet.limits import EARLIEST_DATE, LATEST_DATE, validate_in_range
from trygghet.offline import PhotoFieldsMixin

from .models import ActionItem, AgendaItem, Attendance, Meeting, MeetingSeries, Observation


class DateInput(forms.DateInput):
    """A date picker limited to the dates the app accepts (the server checks them too)."""

    input_type = "date"

    def __init__(self, attrs=None, **kwargs):
        attrs = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat(), **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, **kwargs):
        attrs = {
            "min": f"{EARLIEST_DATE.isoformat()}T00:00",
            "max": f"{LATEST_DATE.isoformat()}T23:59",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M", **kwargs)


def video_field():
    return forms.URLField(
        label=_("video link"), required=False, assume_scheme="https", max_length=200
    )


class SeriesForm(forms.ModelForm):
    video_url = video_field()

    class Meta:
        model = MeetingSeries
        fields = [
            "body",
            "title",
            "kind",
            "recurrence",
            "start_date",
            "start_time",
            "duration_minutes",
            "weekday",
            "week_of_month",
            "rrule",
            "end_date",
            "place",
            "video_url",
            "default_agenda",
            "is_active",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "default_agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["body"].queryset = Body.objects.filter(municipality=municipality)


class MeetingForm(forms.ModelForm):
    """A single meeting: create one as decided, or move one of a series."""

    video_url = video_field()

    class Meta:
        model = Meeting
        fields = ["body", "kind", "title", "start", "end", "place", "video_url", "area", "route"]
        widgets = {
            "start": DateTimeInput(),
            "end": DateTimeInput(),
            "route": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["body"].queryset = Body.objects.filter(municipality=municipality)
        self.fields["area"].queryset = self.fields["area"].queryset.filter(
            municipality=municipality
        )
        self.fields["start"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["end"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            # The body of an existing meeting does not change (its minutes belong to it).
            self.fields["body"].disabled = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The meeting must end after it starts."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "presenter", "minutes_allotted", "shareable"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        # The model refuses an item of approved minutes (MinutesLocked) with its reason.

    def save(self, commit=True):
        if "description" in self.changed_data:
            # The text written here is what everyone reads, public authorities too.
            self.instance.restricted_description = ""
        return super().save(commit)


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("For whom"),
        max_length=200,
        help_text=_("E.g. Räddningstjänsten Syd, styrkeledare."),
    )
    expires_on = forms.DateField(label=_("Valid until and including"), widget=DateInput())
    recipients = forms.CharField(
        label=_("Send the link by e-mail to"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E-mail addresses, separated by commas or new lines. Optional."),
    )

    MAX_RECIPIENTS = 30

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=14)

    def clean_recipients(self):
        """The addresses, checked one by one; a wrong one is named in the message."""
        found = []
        for part in re.split(r"[,;\s]+", self.cleaned_data["recipients"]):
            if not part:
                continue
            try:
                validate_email(part)
            except ValidationError:
                raise ValidationError(
                    _("“%(address)s” is not an e-mail address."), params={"address": part[:100]}
                ) from None
            if part.lower() not in {f.lower() for f in found}:
                found.append(part)
        if len(found) > self.MAX_RECIPIENTS:
            raise ValidationError(
                _("Send the link to at most %(count)s addresses at a time."),
                params={"count": self.MAX_RECIPIENTS},
            )
        return found

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise ValidationError(_("The expiry date cannot be in the past."))
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise ValidationError(_("A share link can be valid for at most one year."))
        return value

    def expires_at(self):
        day = self.cleaned_data["expires_on"] + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class GuestResponseForm(forms.Form):
    YES = "yes"
    NO = "no"

    name = forms.CharField(label=_("Your name"), max_length=200)
    organisation = forms.CharField(label=_("Your organisation"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail"),
        required=False,
        help_text=_(
            "If you are invited to the meeting, give the address the invitation went to: "
            "your answer then goes to your invitation."
        ),
    )
    attending = forms.TypedChoiceField(
        label=_("Will you attend?"),
        choices=[(YES, _("Yes, I will attend")), (NO, _("No, I cannot attend"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == GuestResponseForm.YES,
    )

    @classmethod
    def initial_for(cls, attendance):
        """The form's initial values for a guest's earlier answer (None: no answer yet)."""
        if attendance is None:
            return {}
        coming = attendance.status in (Attendance.Status.ATTENDING, Attendance.Status.PRESENT)
        return {
            "name": attendance.name,
            "organisation": attendance.organisation_name,
            "email": attendance.email,
            "attending": cls.YES if coming else cls.NO,
        }


class MemberAnswerForm(forms.Form):
    """A member's answer to their invitation: yes, no, or a substitute (optionally named)."""

    answer = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no"), ("substitute", "substitute")])
    substitute = forms.CharField(label=_("Name of the substitute"), max_length=200, required=False)


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["status"]


class GuestForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["name", "organisation_name", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class MinutesItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["notes", "decisions"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 2}),
        }


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["agenda_item", "what", "owner", "owner_organisation", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["owner"].queryset = people_of(meeting.municipality)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            municipalities=meeting.municipality
        )

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("owner_organisation"):
            raise ValidationError(_("Say who is responsible: a person or an organisation."))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why a new version?"), max_length=300)


class ObservationForm(PhotoFieldsMixin, forms.ModelForm):
    """An observation on a safety walk, with a photo and the device's key of the entry, when
    it was kept offline (``trygghet.offline``)."""

    class Meta:
        model = Observation
        fields = ["place", "category", "description", "latitude", "longitude"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A map to pick the position on, and the municipality's outline as its limit.
        self.locator = Locator(municipality) if municipality is not None else None
        if municipality is not None:
            self.fields["latitude"].widget.attrs.update(
                position_picker_attrs(map_context(municipality))
            )

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if lat is not None and self.locator and (error := self.locator.position_error(lat, lng)):
            self.add_error("latitude", error)
        return data


class ObservationActionForm(forms.Form):
    owner_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none()
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=DateInput(), validators=[validate_in_range]
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            municipalities=municipality
        )

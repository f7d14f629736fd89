"""The form of an area: its centre point is optional, but latitude and longitude come together
and lie inside Sweden; its outline is drawn on a map, pasted as GeoJSON or read from a GeoJSON
file (councils.services.geography checks it). The municipality's outline has a form of its own."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils.models import Area, MunicipalityOutline
from councils.services.geography import parse_outline, read_outline_file
from councils.widgets import OutlineWidget, map_context
from trygghet.limits import SWEDEN_LATITUDE, SWEDEN_LONGITUDE, CleanTextFormMixin


class OutlineFields(forms.Form):
    """The outline as GeoJSON text (drawn on the map or pasted) or a GeoJSON file; a file wins."""

    outline = forms.CharField(
        label=gettext_lazy("Outline (GeoJSON)"),
        required=False,
        widget=OutlineWidget,
        help_text=gettext_lazy("A Polygon or MultiPolygon in WGS 84. Optional."),
    )
    outline_file = forms.FileField(
        label=gettext_lazy("… or import the outline from a GeoJSON file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )

    def clean_outline(self):
        try:
            return parse_outline(self.cleaned_data.get("outline"))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_outline_file(self):
        uploaded = self.cleaned_data.get("outline_file")
        if not uploaded:
            return None
        return read_outline_file(uploaded)

    def chosen_outline(self):
        return self.cleaned_data.get("outline_file") or self.cleaned_data.get("outline")


class AreaForm(CleanTextFormMixin, forms.ModelForm):
    outline = OutlineFields.base_fields["outline"]
    outline_file = OutlineFields.base_fields["outline_file"]
    clean_outline = OutlineFields.clean_outline
    clean_outline_file = OutlineFields.clean_outline_file

    class Meta:
        model = Area
        fields = ["name", "kind", "latitude", "longitude", "outline", "is_active"]
        help_texts = {
            "latitude": gettext_lazy("Decimal degrees (WGS 84), e.g. 55.6372. Optional."),
            "longitude": gettext_lazy("Decimal degrees (WGS 84), e.g. 13.0950. Optional."),
            "is_active": gettext_lazy(
                "An inactive area is no longer offered for new incidents; old ones keep it."
            ),
        }

    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        self.fields["outline"].widget.reference = map_context(
            municipality, exclude_area=self.instance
        )
        if self.instance.outline and not self.is_bound:
            self.initial["outline"] = self.instance.outline
        # Our own messages below say what is wrong; the model's bare min/max checks would
        # add a second, vaguer one.
        for name in ("latitude", "longitude"):
            # Accept the decimal comma of Swedish as well as a point (copied from a map).
            # (A text field: a number input could neither show nor take "55,6372".)
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].widget.is_localized = True
            self.fields[name].validators = [
                v for v in self.fields[name].validators if not hasattr(v, "limit_value")
            ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Area.objects.filter(municipality=self.municipality, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("The municipality already has an area of this name."))
        return name

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not SWEDEN_LATITUDE[0] <= value <= SWEDEN_LATITUDE[1]:
            raise forms.ValidationError(
                _("The latitude must lie in Sweden (between %(min)s and %(max)s).")
                % {"min": SWEDEN_LATITUDE[0], "max": SWEDEN_LATITUDE[1]}
            )
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not SWEDEN_LONGITUDE[0] <= value <= SWEDEN_LONGITUDE[1]:
            raise forms.ValidationError(
                _("The longitude must lie in Sweden (between %(min)s and %(max)s).")
                % {"min": SWEDEN_LONGITUDE[0], "max": SWEDEN_LONGITUDE[1]}
            )
        return value

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if "latitude" in data and "longitude" in data and (lat is None) != (lon is None):
            raise forms.ValidationError(
                _("Give both latitude and longitude of the centre point, or neither.")
            )
        return data

    def save(self, commit=True):
        self.instance.municipality = self.municipality
        self.instance.outline = OutlineFields.chosen_outline(self)
        return super().save(commit)


class MunicipalityOutlineForm(CleanTextFormMixin, OutlineFields):
    def __init__(self, *args, municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)
        self.fields["outline"].widget.reference = map_context(municipality)
        self.fields["outline"].help_text = gettext_lazy(
            "A Polygon or MultiPolygon in WGS 84. Empty: positions are only held to Sweden."
        )
        current = MunicipalityOutline.objects.filter(municipality=municipality).first()
        if current and not self.is_bound:
            self.initial["outline"] = current.geometry

    def save(self):
        outline = self.chosen_outline()
        if outline is None:
            MunicipalityOutline.objects.filter(municipality=self.municipality).delete()
        else:
            MunicipalityOutline.objects.update_or_create(
                municipality=self.municipality, defaults={"geometry": outline}
            )
        return outline

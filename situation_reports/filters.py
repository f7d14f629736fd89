"""The incident list's filters (django-filter): the same filter feeds the list, the map and
the exports, so each shows exactly the same set."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from trygghet.limits import validate_in_range

from .models import Incident, IncidentCategory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

STATUS_ACTIVE = ""
STATUS_ALL = "all"


class IncidentFilter(django_filters.FilterSet):
    # Out of range: the form says so and the filter is left out (never a query with year 1).
    date_from = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="gte",
        label=_("From"),
        widget=DATE_WIDGET,
        validators=[validate_in_range],
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="lte",
        label=_("To"),
        widget=DATE_WIDGET,
        validators=[validate_in_range],
    )
    category = django_filters.ModelChoiceFilter(
        queryset=IncidentCategory.objects.none(), label=_("Category"), empty_label=_("All")
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.none(), label=_("Area"), empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        choices=Incident.Source.choices, label=_("Source"), empty_label=_("All")
    )
    severity = django_filters.ChoiceFilter(
        choices=Incident.Severity.choices, label=_("Severity"), empty_label=_("All")
    )
    confidentiality = django_filters.ChoiceFilter(
        choices=Incident.Confidentiality.choices,
        label=_("Confidentiality"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        choices=[(STATUS_ALL, _("all, including withdrawn")), *Incident.Status.choices],
        label=_("Status"),
        empty_label=_("active (not withdrawn)"),
        method="filter_status",
    )
    q = django_filters.CharFilter(label=_("Free text"), method="filter_text")
    sort = django_filters.OrderingFilter(
        fields=[
            ("occurred_on", "date"),
            ("category__name", "category"),
            ("area__name", "area"),
            ("severity", "severity"),
            ("source", "source"),
        ],
        field_labels={
            "date": _("date"),
            "category": _("category"),
            "area": _("area"),
            "severity": _("severity"),
            "source": _("source"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Incident
        fields = []

    def __init__(self, data=None, *args, membership, **kwargs):
        self.membership = membership
        super().__init__(data, *args, **kwargs)
        municipality = membership.municipality
        self.filters["category"].queryset = IncidentCategory.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        )
        self.filters["area"].queryset = Area.objects.filter(municipality=municipality)
        if not membership.can_read_restricted:
            # Nothing restricted is visible anyway: the choice would only hint at it.
            del self.filters["confidentiality"]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        return form

    @property
    def qs(self):
        if not hasattr(self, "_final_qs"):
            qs = super().qs
            data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
            if not data.get("status"):
                qs = qs.active()
            if data.get("sort"):
                # A stable order within equal values, so that pages do not overlap.
                qs = qs.order_by(*qs.query.order_by, "-occurred_on", "-id")
            else:
                qs = qs.order_by("-occurred_on", "-started_at", "-id")
            self._final_qs = qs
        return self._final_qs

    def filter_status(self, queryset, name, value):
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(place__icontains=value)
            | Q(police_type__icontains=value)
        )

"""The retention decision's form (gallring, issue 17): the decision and one line per record
type. Saving it records a new version (``services.retention.record_decision``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trygghet.limits import CleanTextFormMixin, validate_in_range

from ..models import ALLOWED_ACTIONS, ARCHIVAL_TYPES, Incident, RecordType
from ..models.retention import MAX_MONTHS, MIN_MONTHS

ARCHIVAL_WARNING = _(
    "Approved situation reports, minutes, action plans and decisions are official records "
    "(allmänna handlingar) to be kept: choose a period only when the municipality's document "
    "management plan says they are thinned, and confirm it below. The application never "
    "deletes them itself: the page shows how many are past the period."
)


def months_field(name):
    return f"{name}_months"


def confirm_field(name):
    return f"{name}_confirm"


class RetentionDecisionForm(CleanTextFormMixin, forms.Form):
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=200,
        help_text=_("The body or officer that took the decision, e.g. Kommunstyrelsen."),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        validators=[validate_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label=_("Registry number"), max_length=60, help_text=_("The diarienummer of the decision.")
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        validators=[validate_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in RecordType:
            action = ALLOWED_ACTIONS[kind][0]
            self.fields[months_field(kind.value)] = forms.IntegerField(
                label=_("%(records)s: kept for (months)") % {"records": capfirst(kind.label)},
                required=False,
                min_value=MIN_MONTHS,
                max_value=MAX_MONTHS,
                help_text=_("Empty: never thinned. Then: %(action)s.") % {"action": action.label},
            )
            if kind == RecordType.INCIDENTS:
                self.fields["incidents_source"] = forms.ChoiceField(
                    label=_("Only incidents from"),
                    required=False,
                    choices=[("", _("every source")), *Incident.Source.choices],
                )
            if kind in ARCHIVAL_TYPES:
                self.fields[confirm_field(kind.value)] = forms.BooleanField(
                    label=_("The document management plan thins %(records)s")
                    % {"records": kind.label},
                    required=False,
                )

    @classmethod
    def initial_from(cls, decision):
        """The form's values from a saved decision (the next version starts from it)."""
        if decision is None:
            return {}
        initial = {
            "decided_by": decision.decided_by,
            "decided_on": decision.decided_on,
            "reference": decision.reference,
            "valid_from": decision.valid_from,
        }
        for rule in decision.rules.all():
            initial[months_field(rule.record_type)] = rule.months
            if rule.record_type == RecordType.INCIDENTS:
                initial["incidents_source"] = rule.source
            if rule.is_archival:
                initial[confirm_field(rule.record_type)] = True
        return initial

    def clean(self):
        data = super().clean()
        rules = []
        for kind in RecordType:
            months = data.get(months_field(kind.value))
            if months is None:
                continue
            if kind in ARCHIVAL_TYPES and not data.get(confirm_field(kind.value)):
                self.add_error(
                    confirm_field(kind.value),
                    _("Confirm that the document management plan thins these official records."),
                )
                continue
            rules.append(
                {
                    "record_type": kind.value,
                    "months": months,
                    "action": ALLOWED_ACTIONS[kind][0].value,
                    "source": data.get("incidents_source", "")
                    if kind == RecordType.INCIDENTS
                    else "",
                    "archival_confirmed": kind in ARCHIVAL_TYPES,
                }
            )
        if not rules and not self.errors:
            raise ValidationError(
                _("A retention decision needs at least one rule: a period for some records.")
            )
        data["rules"] = rules
        return data

    def rule_fields(self):
        """The rule lines, in order, for the template: (record type, its fields)."""
        for kind in RecordType:
            names = [months_field(kind.value)]
            if kind == RecordType.INCIDENTS:
                names.append("incidents_source")
            if kind in ARCHIVAL_TYPES:
                names.append(confirm_field(kind.value))
            yield kind, [self[name] for name in names], kind in ARCHIVAL_TYPES

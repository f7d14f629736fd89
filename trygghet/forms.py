"""Forms of the project app: the password reset through the outbox, and the filter of the
audit trail page."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.template import loader
from django.utils.translation import gettext_lazy as _

from councils.models import User

from . import outbox
from .models import AuditEvent


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password-reset form, its mail going through the outbox (queued, then sent by
    a task after commit) instead of over SMTP inside the request."""

    def outbox_key(self, context):
        # The token's timestamp: one mail per request, and a double click is one request.
        return f"password-reset:{context['user'].pk}:{context['token'].split('-')[0]}"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        mail = outbox.Mail(to_email, subject, body, html, from_email or "")
        outbox.send_after_commit(outbox.queue(self.outbox_key(context), [mail]))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("All"))] + list(AuditEvent.Action.choices),
    )
    person = PersonChoiceField(
        label=_("Person"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All"),
        help_text=_("Who made the change, or whom it concerns."),
    )

    def __init__(self, *args, events, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone with a role here, and whoever appears in the trail (an operator, someone
        # whose role has been removed since).
        self.fields["person"].queryset = (
            User.objects.filter(
                Q(municipality_memberships__municipality=municipality)
                | Q(pk__in=events.values("actor"))
                | Q(pk__in=events.values("person"))
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def filter(self, events):
        if not self.is_valid():
            return events
        if self.cleaned_data.get("action"):
            events = events.filter(action=self.cleaned_data["action"])
        if self.cleaned_data.get("person"):
            person = self.cleaned_data["person"]
            events = events.filter(Q(actor=person) | Q(person=person))
        return events

from django.contrib.auth import forms as auth_forms
from django.template import loader

from . import outbox


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

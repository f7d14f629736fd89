from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .login import AdminLoginForm
from .models import AuditEvent, OutgoingEmail

# The operators' login, with the user name as bounded as on the login page.
admin.site.login_form = AdminLoginForm


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, for the operators: what waits, what was sent, what was given up and why.
    Rows are written by the application only; the one change is to try given-up rows again."""

    list_display = [
        "created_at",
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["recipient", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def error(self, row):
        return Truncator(row.last_error).chars(80)

    @admin.action(
        description=_("Try the selected unsent e-mails again now"), permissions=["change"]
    )
    def retry(self, request, queryset):
        count = queryset.exclude(status=OutgoingEmail.Status.SENT).update(
            status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent by the next sweep (within a minute).",
                "%(count)d e-mails will be sent by the next sweep (within a minute).",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the audit trail is a record, not even the operators change or delete it."""

    list_display = ["at", "municipality", "actor", "action", "object_label", "client_address"]
    list_filter = ["municipality", "action"]
    search_fields = ["object_label", "actor__username", "person__username"]
    date_hierarchy = "at"
    list_select_related = ["municipality", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import AuditEvent


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

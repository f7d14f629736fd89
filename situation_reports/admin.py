from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import incidents
from .models import (
    Incident,
    IncidentAccessLog,
    IncidentCategory,
    PoliceImportSetting,
    UpcomingEvent,
)


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "municipality", "position", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = [
        "occurred_on",
        "category",
        "area",
        "municipality",
        "source",
        "confidentiality",
        "status",
    ]
    list_filter = ["municipality", "source", "confidentiality", "status", "category"]
    search_fields = ["description", "place"]
    date_hierarchy = "occurred_on"
    raw_id_fields = ["created_by", "withdrawn_by"]
    list_select_related = ["category", "area", "municipality"]

    def has_delete_permission(self, request, obj=None):
        # An incident is never deleted, only withdrawn with a reason.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # the audit trail (trygghet.audit), as on the incident's own edit page
            incidents.record_confidentiality(
                obj, form.initial.get("confidentiality"), request=request
            )


@admin.register(IncidentAccessLog)
class IncidentAccessLogAdmin(admin.ModelAdmin):
    list_display = ["accessed_at", "user", "incident"]
    raw_id_fields = ["incident", "user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UpcomingEvent)
class UpcomingEventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "ends_on", "kind", "area", "municipality"]
    list_filter = ["municipality", "kind"]
    search_fields = ["title"]


@admin.register(PoliceImportSetting)
class PoliceImportSettingAdmin(admin.ModelAdmin):
    list_display = ["municipality", "enabled", "last_fetched_at"]
    readonly_fields = ["last_fetched_at", "last_summary"]


from .report_admin import *  # noqa: E402, F403  (the situation report)

"""The operators' Django admin of incidents, upcoming events, the police import and situation
reports. An approved report is read-only here too (``trygghet.records``): no field can be edited
and it cannot be deleted; its sections and comments likewise."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trygghet.records import LockedRecordAdminMixin, LockedRecordInlineMixin

from .models import (
    Incident,
    IncidentAccessLog,
    IncidentCategory,
    PoliceImportSetting,
    Problem,
    ReportComment,
    ReportSection,
    SituationReport,
    UpcomingEvent,
)
from .services import incidents


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


# --- Situation reports ----------------------------------------------------------------------


class ReportSectionInline(LockedRecordInlineMixin, admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ["key", "text"]


class ReportCommentInline(LockedRecordInlineMixin, admin.TabularInline):
    model = ReportComment
    extra = 0
    fields = ["section", "author", "text", "created_at"]
    readonly_fields = ["created_at"]


class ProblemInline(LockedRecordInlineMixin, admin.StackedInline):
    model = Problem
    fk_name = "report"
    extra = 0
    fields = ["title", "priority", "description", "causes"]
    show_change_link = True


@admin.register(SituationReport)
class SituationReportAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "municipality",
        "period_start",
        "period_end",
        "status",
        "version",
    ]
    list_filter = ["kind", "municipality", "status"]
    search_fields = ["title"]
    date_hierarchy = "period_end"
    readonly_fields = ["data", "compiled_at", "compiled_by", "approved_at", "approved_by"]
    raw_id_fields = ["meeting", "body", "supersedes"]
    inlines = [ReportSectionInline, ReportCommentInline, ProblemInline]

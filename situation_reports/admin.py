"""The operators' Django admin of incidents, upcoming events, the police import and situation
reports, action plans and the decision register. An approved report and a decided plan are
read-only here too (``trygghet.records``): no field can be edited (but a plan's or measure's
follow-up: its status and public flag) and they cannot be deleted; their parts likewise."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trygghet.records import LockedRecordAdminMixin, LockedRecordInlineMixin

from .models import (
    ActionPlan,
    Decision,
    Incident,
    IncidentAccessLog,
    IncidentCategory,
    Measure,
    MeasureIndicator,
    MeasureUpdate,
    PoliceImportSetting,
    Problem,
    PublicSummary,
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


class MeasureInline(LockedRecordInlineMixin, admin.StackedInline):
    model = Measure
    extra = 0
    fields = ["title", "responsible_organisation", "responsible_person", "start_date", "end_date"]
    raw_id_fields = ["responsible_organisation", "responsible_person"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = ["title", "municipality", "first_year", "last_year", "status", "version"]
    list_filter = ["municipality", "status"]
    search_fields = ["title"]
    raw_id_fields = ["based_on", "body", "revises", "decision_recorded_by"]
    inlines = [MeasureInline]


class MeasureIndicatorInline(LockedRecordInlineMixin, admin.TabularInline):
    model = MeasureIndicator
    extra = 0
    raw_id_fields = ["indicator"]

    def record_locked(self, obj):
        return obj is not None and obj.plan.is_locked


@admin.register(Measure)
class MeasureAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = ["title", "plan", "status", "is_public"]
    list_filter = ["plan__municipality", "status"]
    search_fields = ["title"]
    raw_id_fields = [
        "plan",
        "responsible_organisation",
        "responsible_body",
        "responsible_person",
        "agreement_action",
        "citizen_promise",
        "continues",
    ]
    filter_horizontal = ["problems"]
    inlines = [MeasureIndicatorInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.record_locked(obj):
            readonly.append("problems")  # part of the decided plan, like its fields
        return readonly


@admin.register(MeasureUpdate)
class MeasureUpdateAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "status", "author"]
    raw_id_fields = ["measure", "author"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "made_by", "date", "paragraph"]
    list_filter = ["municipality", "made_by"]
    search_fields = ["title", "registry_number"]
    raw_id_fields = ["body", "meeting", "created_by"]
    filter_horizontal = ["measures", "agreement_actions", "plans"]


@admin.register(PublicSummary)
class PublicSummaryAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "is_published", "published_on"]
    raw_id_fields = ["report"]

"""Admin of situation reports (for operators). An approved report is read-only here too: no
field can be edited and it cannot be deleted; its sections and comments likewise."""

from django.contrib import admin

from .report_models import ReportComment, ReportSection, SituationReport


class LockedInlineMixin:
    def _locked(self, obj):
        return obj is not None and obj.is_approved

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class ReportSectionInline(LockedInlineMixin, admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ["key", "text"]


class ReportCommentInline(LockedInlineMixin, admin.TabularInline):
    model = ReportComment
    extra = 0
    fields = ["section", "author", "text", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(SituationReport)
class SituationReportAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "period_start", "period_end", "status", "version"]
    list_filter = ["municipality", "status"]
    search_fields = ["title"]
    date_hierarchy = "period_end"
    readonly_fields = ["data", "compiled_at", "compiled_by", "approved_at", "approved_by"]
    raw_id_fields = ["meeting", "body", "supersedes"]
    inlines = [ReportSectionInline, ReportCommentInline]

    def has_change_permission(self, request, obj=None):
        # An approved report is an official record: the admin only shows it.
        if obj is not None and obj.is_approved:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return False
        return super().has_delete_permission(request, obj)

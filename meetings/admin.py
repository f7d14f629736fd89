from django.contrib import admin

from trygghet import audit
from trygghet.records import LockedRecordAdminMixin

from . import services
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingSeries,
    MinutesVersion,
    Observation,
    ShareLink,
    ShareLinkOpening,
)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "recurrence", "start_time", "is_active"]
    list_filter = ["municipality", "recurrence", "is_active"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "shareable", "source_key"]


@admin.register(Meeting)
class MeetingAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    """A meeting with approved minutes is shown, not changed or deleted (trygghet.records)."""

    list_display = ["title", "start", "status", "holiday_name", "is_moved"]
    list_filter = ["municipality", "status", "kind"]
    date_hierarchy = "start"
    inlines = [AgendaItemInline]
    readonly_fields = ["occurrence_start", "sequence"]

    def get_inline_instances(self, request, obj=None):
        # Approved minutes are an official record: their items are not shown for editing.
        if self.record_locked(obj):
            return []
        return super().get_inline_instances(request, obj)


class PartOfMinutesAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    """Rows of approved minutes are shown, not changed or deleted (trygghet.records); only
    the model's ``follow_up_fields`` stay editable."""

    def record_locked(self, obj):
        return obj is not None and obj.meeting.is_locked


@admin.register(Attendance)
class AttendanceAdmin(PartOfMinutesAdmin):
    list_display = ["__str__", "meeting", "role", "status"]
    list_filter = ["status", "role"]
    raw_id_fields = ["meeting", "user", "via_share_link"]


@admin.register(Observation)
class ObservationAdmin(PartOfMinutesAdmin):
    list_display = ["__str__", "meeting", "status"]
    list_filter = ["municipality", "status", "category"]
    raw_id_fields = ["meeting", "action_item"]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(admin.ModelAdmin):
    """Read only: approved minutes are never changed or deleted, not even by an admin."""

    list_display = ["meeting", "number", "approved_at", "approved_by"]
    readonly_fields = ["meeting", "number", "snapshot", "approved_at", "approved_by", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(PartOfMinutesAdmin):
    list_display = ["what", "body", "owner", "owner_organisation", "due_date", "status"]
    list_filter = ["municipality", "status"]
    readonly_fields = ["closed_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            services.set_action_status(obj, obj.status)  # closed when done or cancelled


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "meeting", "series", "expires_at", "revoked_at"]
    readonly_fields = ["token_hash"]

    def save_model(self, request, obj, form, change):
        # The audit trail (trygghet.audit): revoking here, or giving a link more time or
        # taking back a revocation, decides who reads the agenda as much as the pages do.
        super().save_model(request, obj, form, change)
        if not change:
            return
        changed = [k for k in ("expires_at", "revoked_at") if k in form.changed_data]
        if not changed:
            return
        old = {k: form.initial.get(k) for k in changed}
        new = {k: getattr(obj, k) for k in changed}
        revoked = old.get("revoked_at", True) is None and new["revoked_at"] is not None
        action = audit.Action.SHARE_LINK_REVOKED if revoked else audit.Action.SHARE_LINK_CHANGED
        services.record_share_link(obj, action, old=old, new=new, request=request)


admin.site.register(ShareLinkOpening)

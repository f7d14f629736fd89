from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import audit
from .models import (
    Action,
    ActionReminder,
    ActionUpdate,
    Agreement,
    Area,
    Body,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    GoalMeasurement,
    Membership,
    Municipality,
    MunicipalityMembership,
    Organisation,
    User,
)

# What decides access is recorded in the audit trail when the operators change it here too
# (councils.audit). The admin saves each page in one transaction, so the events commit with it.


def save_audited_formset(formset, record_saved, record_removed):
    """Save an inline formset, recording each new, changed and deleted row:
    ``record_saved(stored, row)`` gets the row as it was stored before (None when new),
    ``record_removed(stored)`` the deleted row as it was."""
    stored = formset.model.objects.in_bulk(
        [form.instance.pk for form in formset.initial_forms if form.instance.pk]
    )
    # Read before saving: a deleted instance has lost its id afterwards.
    deleted = [stored[f.instance.pk] for f in formset.deleted_forms if f.instance.pk in stored]
    formset.save()
    for row in formset.new_objects:
        record_saved(None, row)
    for row, _fields in formset.changed_objects:
        record_saved(stored[row.pk], row)
    for row in deleted:
        record_removed(row)


class MunicipalityMembershipInline(admin.TabularInline):
    model = MunicipalityMembership
    extra = 0
    autocomplete_fields = ["municipality", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MunicipalityMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ["phone"]}),)

    def save_formset(self, request, form, formset, change):
        if formset.model is not MunicipalityMembership:
            return super().save_formset(request, form, formset, change)
        save_audited_formset(
            formset,
            lambda stored, row: audit.record_membership_saved(stored, row, request=request),
            lambda row: audit.record_membership_removed(row, request=request),
        )


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county", "population"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "password_login"]
    list_filter = ["kind", "password_login", "municipalities"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["municipalities"]

    def save_related(self, request, form, formsets, change):
        # After the municipalities are saved: the event goes to each one the kind affects.
        super().save_related(request, form, formsets, change)
        old_kind = form.initial.get("kind") if change else None
        audit.record_organisation(form.instance, old_kind, request=request)


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role", "organisation", "is_active"]
    list_filter = ["municipality", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality", "organisation"]

    def save_model(self, request, obj, form, change):
        stored = MunicipalityMembership.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        audit.record_membership_saved(stored, obj, request=request)

    def delete_model(self, request, obj):
        audit.record_membership_removed(obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            audit.record_membership_removed(membership, request=request)
        super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "latitude", "longitude", "is_active"]
    list_filter = ["municipality", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "parent", "is_active"]
    list_filter = ["municipality", "kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        save_audited_formset(
            formset,
            lambda stored, seat: audit.record_seat_saved(stored, seat, request=request),
            lambda seat: audit.record_seat_removed(seat, request=request),
        )


class FocusAreaInline(admin.StackedInline):
    model = FocusArea
    extra = 0
    show_change_link = True


class CitizenPromiseInline(admin.StackedInline):
    model = CitizenPromise
    extra = 0
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "start_date", "end_date", "status", "police_area"]
    list_filter = ["municipality", "status"]
    search_fields = ["title"]
    autocomplete_fields = ["police_area", "steering_body"]
    raw_id_fields = ["previous"]
    inlines = [FocusAreaInline, CitizenPromiseInline]


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["title", "responsible_organisation", "lead", "start_date", "due_date", "status"]
    autocomplete_fields = ["responsible_organisation", "lead"]
    show_change_link = True


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "position"]
    list_filter = ["agreement__municipality"]
    search_fields = ["title"]
    inlines = [GoalInline, ActionInline]


class GoalMeasurementInline(admin.TabularInline):
    model = GoalMeasurement
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "focus_area", "baseline", "target", "unit", "target_date"]
    list_filter = ["focus_area__agreement__municipality"]
    search_fields = ["title", "indicator"]
    inlines = [GoalMeasurementInline]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = ["date", "author", "status", "previous_status", "hours_spent", "note"]
    readonly_fields = ["previous_status"]
    autocomplete_fields = ["author"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "focus_area", "lead", "due_date", "status"]
    list_filter = ["status", "focus_area__agreement__municipality"]
    search_fields = ["title"]
    autocomplete_fields = ["responsible_organisation", "working_group", "lead"]
    raw_id_fields = ["copied_from"]
    inlines = [ActionUpdateInline]


@admin.register(ActionReminder)
class ActionReminderAdmin(admin.ModelAdmin):
    list_display = ["action", "quarter", "recipient", "created_at", "sent_at"]
    list_filter = ["quarter"]
    readonly_fields = ["created_at"]


class CitizenPromiseUpdateInline(admin.TabularInline):
    model = CitizenPromiseUpdate
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(CitizenPromise)
class CitizenPromiseAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "status"]
    list_filter = ["status"]
    inlines = [CitizenPromiseUpdateInline]

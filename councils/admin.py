from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Action,
    ActionReminder,
    ActionUpdate,
    Agreement,
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


class MunicipalityMembershipInline(admin.TabularInline):
    model = MunicipalityMembership
    extra = 0
    autocomplete_fields = ["municipality", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MunicipalityMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ["phone"]}),)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county", "population"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind", "municipalities"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["municipalities"]


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "role", "organisation", "is_active"]
    list_filter = ["municipality", "role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality", "organisation"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "parent", "is_active"]
    list_filter = ["municipality", "kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


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

from django.urls import path

from .views import (
    categories,
    comparisons,
    decisions,
    imports,
    incidents,
    indicators,
    maps,
    plans,
    public,
    reports,
    retention,
    sharing,
    strategic,
    upcoming,
)

app_name = "situation_reports"

urlpatterns = [
    # Incidents: the list and its exports, logging, one incident.
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/export.<str:fmt>", incidents.incident_export, name="incident-export"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/withdraw/", incidents.incident_withdraw, name="incident-withdraw"),
    # The map.
    path("incidents/map/", maps.incident_map, name="incident-map"),
    path("incidents/map/data.json", maps.incident_map_data, name="incident-map-data"),
    # Imports: a CSV file, and the police's open data.
    path("incidents/import/", imports.incident_import, name="incident-import"),
    path(
        "incidents/import/confirm/", imports.incident_import_confirm, name="incident-import-confirm"
    ),
    path("incidents/police-import/", imports.police_import_switch, name="police-import-switch"),
    # Categories.
    path("incidents/categories/", categories.category_list, name="category-list"),
    # What is coming.
    path("upcoming/", upcoming.upcoming_list, name="upcoming-list"),
    path("upcoming/new/", upcoming.upcoming_create, name="upcoming-create"),
    path("upcoming/<int:pk>/delete/", upcoming.upcoming_delete, name="upcoming-delete"),
    path("upcoming/generate/", upcoming.upcoming_generate, name="upcoming-generate"),
    # Indicator series from other sources than incidents.
    path("indicators/", indicators.indicator_list, name="indicator-list"),
    path("indicators/new/", indicators.indicator_create, name="indicator-create"),
    path("indicators/import/", indicators.indicator_import, name="indicator-import"),
    path(
        "indicators/import/confirm/",
        indicators.indicator_import_confirm,
        name="indicator-import-confirm",
    ),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator-detail"),
    path("indicators/<int:pk>/edit/", indicators.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/values/new/", indicators.value_create, name="indicator-value-create"),
    path(
        "indicators/<int:pk>/values/<int:value_pk>/",
        indicators.value_edit,
        name="indicator-value-edit",
    ),
    path(
        "indicators/<int:pk>/values/<int:value_pk>/delete/",
        indicators.value_delete,
        name="indicator-value-delete",
    ),
    # Comparisons with the county and the country.
    path("comparisons/", comparisons.comparison_page, name="comparisons"),
    # Situation reports.
    path("strategic/", strategic.strategic_list, name="strategic-list"),
    path("strategic/new/", strategic.strategic_create, name="strategic-create"),
    path("strategic/problems/", strategic.problem_register, name="problem-register"),
    path(
        "strategic/<int:report_pk>/problems/new/",
        strategic.problem_create,
        name="problem-create",
    ),
    path("strategic/problems/<int:pk>/", strategic.problem_detail, name="problem-detail"),
    path("strategic/problems/<int:pk>/edit/", strategic.problem_edit, name="problem-edit"),
    path("strategic/problems/<int:pk>/delete/", strategic.problem_delete, name="problem-delete"),
    # The action plan, its measures and their follow-up.
    path("action-plans/", plans.plan_list, name="plan-list"),
    path("action-plans/new/", plans.plan_create, name="plan-create"),
    path("action-plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("action-plans/<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("action-plans/<int:pk>/decide/", plans.plan_decide, name="plan-decide"),
    path("action-plans/<int:pk>/revise/", plans.plan_revise, name="plan-revise"),
    path("action-plans/<int:pk>/publish/", plans.plan_publish, name="plan-publish"),
    path("action-plans/<int:pk>/follow-up/", plans.plan_follow_up, name="plan-follow-up"),
    path(
        "action-plans/<int:pk>/annual-report/",
        plans.plan_report_create,
        name="plan-report-create",
    ),
    path("action-plans/<int:pk>/measures/new/", plans.measure_create, name="measure-create"),
    path("measures/<int:pk>/", plans.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/edit/", plans.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/delete/", plans.measure_delete, name="measure-delete"),
    path("measures/<int:pk>/publish/", plans.measure_publish, name="measure-publish"),
    path(
        "measures/<int:pk>/updates/new/",
        plans.measure_update_create,
        name="measure-update-create",
    ),
    path(
        "measures/<int:pk>/indicators/new/",
        plans.measure_indicator_create,
        name="measure-indicator-create",
    ),
    path(
        "measures/<int:pk>/indicators/<int:target_pk>/delete/",
        plans.measure_indicator_delete,
        name="measure-indicator-delete",
    ),
    # The decision register.
    path("decisions/", decisions.decision_list, name="decision-list"),
    path("decisions/new/", decisions.decision_create, name="decision-create"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/edit/", decisions.decision_edit, name="decision-edit"),
    # What the municipality shares with others, and what others share with it.
    path("sharing/", sharing.sharing_manage, name="sharing"),
    path("sharing/<int:pk>/", sharing.sharing_change, name="sharing-change"),
    path("sharing/roles/", sharing.regional_role_grant, name="regional-role-grant"),
    path("sharing/roles/<int:pk>/end/", sharing.regional_role_end, name="regional-role-end"),
    path("shared/", sharing.shared_with_us, name="shared-list"),
    # Retention by decision (gallring): the decision, the dry run and the log (admins).
    path("retention/", retention.retention_page, name="retention"),
    path("retention/edit/", retention.retention_edit, name="retention-edit"),
    path("retention/dry-run/", retention.retention_dry_run, name="retention-dry-run"),
    path("shared/<int:pk>/", sharing.shared_report, name="shared-report"),
    # The public page (no login) and what is published there.
    path("public/", public.public_page, name="public-page"),
    path("public/manage/", public.public_manage, name="public-manage"),
    path("public/promises/<int:pk>/", public.promise_publish, name="promise-publish"),
    path("public/summaries/new/", public.summary_create, name="summary-create"),
    path("public/summaries/<int:pk>/edit/", public.summary_edit, name="summary-edit"),
    path("reports/", reports.report_list, name="report-list"),
    path("reports/new/", reports.report_create, name="report-create"),
    path("reports/compare/", reports.report_compare, name="report-compare"),
    path("reports/trend/", reports.report_trend, name="report-trend"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/status/", reports.report_status, name="report-status"),
    path("reports/<int:pk>/section/", reports.report_section, name="report-section"),
    path("reports/<int:pk>/comment/", reports.report_comment, name="report-comment"),
    path("reports/<int:pk>/version/", reports.report_new_version, name="report-new-version"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report-pdf"),
    # One approved lägesbild shared with neighbouring municipalities (before the steps: "sharing"
    # is not a step).
    path("reports/<int:pk>/sharing/", sharing.report_sharing, name="report-sharing"),
    path(
        "reports/<int:pk>/sharing/<int:share_pk>/withdraw/",
        sharing.report_share_withdraw,
        name="report-share-withdraw",
    ),
    path("reports/<int:pk>/<slug:step>/", reports.report_step, name="report-step"),
]

from django.urls import path

from .views import (
    categories,
    comparisons,
    imports,
    incidents,
    indicators,
    maps,
    reports,
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
    path("reports/<int:pk>/<slug:step>/", reports.report_step, name="report-step"),
]

from django.urls import path

from . import views

app_name = "situation_reports"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/map/", views.incident_map, name="incident-map"),
    path("incidents/map/data.json", views.incident_map_data, name="incident-map-data"),
    path("incidents/export.<str:fmt>", views.incident_export, name="incident-export"),
    path("incidents/import/", views.incident_import, name="incident-import"),
    path(
        "incidents/import/confirm/", views.incident_import_confirm, name="incident-import-confirm"
    ),
    path("incidents/police-import/", views.police_import_switch, name="police-import-switch"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/withdraw/", views.incident_withdraw, name="incident-withdraw"),
    path("incidents/categories/", views.category_list, name="category-list"),
    path("upcoming/", views.upcoming_list, name="upcoming-list"),
    path("upcoming/new/", views.upcoming_create, name="upcoming-create"),
    path("upcoming/<int:pk>/delete/", views.upcoming_delete, name="upcoming-delete"),
    path("upcoming/generate/", views.upcoming_generate, name="upcoming-generate"),
]

from .report_views import report_urlpatterns  # noqa: E402  (the situation report)

urlpatterns += report_urlpatterns

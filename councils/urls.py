from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("organisation/", views.chart, name="chart"),
    path("organisation/bodies/new/", views.body_create, name="body-create"),
    path("organisation/bodies/<int:pk>/", views.body_detail, name="body-detail"),
    path("organisation/bodies/<int:pk>/edit/", views.body_edit, name="body-edit"),
    path(
        "organisation/bodies/<int:pk>/members/new/",
        views.membership_create,
        name="membership-create",
    ),
    path("organisation/members/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/follow-up/", views.agreement_follow_up, name="agreement-follow-up"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement-pdf"),
    path("agreements/<int:pk>/renew/", views.agreement_renew, name="agreement-renew"),
    path("agreements/<int:pk>/focus-areas/new/", views.focus_area_create, name="focus-area-create"),
    path("agreements/<int:pk>/citizen-promises/new/", views.promise_create, name="promise-create"),
    path("focus-areas/<int:pk>/edit/", views.focus_area_edit, name="focus-area-edit"),
    path("focus-areas/<int:pk>/goals/new/", views.goal_create, name="goal-create"),
    path("focus-areas/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/values/new/", views.measurement_create, name="measurement-create"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("actions/<int:pk>/updates/new/", views.action_update_create, name="action-update-create"),
    path(
        "citizen-promises/<int:pk>/follow-up/",
        views.promise_follow_up,
        name="promise-follow-up",
    ),
]

from .people_views import people_urlpatterns  # noqa: E402  (municipal administration)

urlpatterns += people_urlpatterns

from django.urls import path

from .views import actions, agreements, areas, bodies, organisations, people, tokens

app_name = "councils"

urlpatterns = [
    # The organisation chart and the bodies
    path("organisation/", bodies.chart, name="chart"),
    path("organisation/bodies/new/", bodies.body_create, name="body-create"),
    path("organisation/bodies/<int:pk>/", bodies.body_detail, name="body-detail"),
    path("organisation/bodies/<int:pk>/edit/", bodies.body_edit, name="body-edit"),
    path(
        "organisation/bodies/<int:pk>/members/new/",
        bodies.membership_create,
        name="membership-create",
    ),
    path("organisation/members/<int:pk>/edit/", bodies.membership_edit, name="membership-edit"),
    # The agreement with the police and its parts
    path("agreements/", agreements.agreement_list, name="agreement-list"),
    path("agreements/new/", agreements.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<int:pk>/follow-up/",
        agreements.agreement_follow_up,
        name="agreement-follow-up",
    ),
    path("agreements/<int:pk>/pdf/", agreements.agreement_pdf, name="agreement-pdf"),
    path("agreements/<int:pk>/renew/", agreements.agreement_renew, name="agreement-renew"),
    path(
        "agreements/<int:pk>/focus-areas/new/",
        agreements.focus_area_create,
        name="focus-area-create",
    ),
    path(
        "agreements/<int:pk>/citizen-promises/new/",
        agreements.promise_create,
        name="promise-create",
    ),
    path("focus-areas/<int:pk>/edit/", agreements.focus_area_edit, name="focus-area-edit"),
    path("focus-areas/<int:pk>/goals/new/", agreements.goal_create, name="goal-create"),
    path("goals/<int:pk>/edit/", agreements.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/values/new/", agreements.measurement_create, name="measurement-create"),
    path(
        "citizen-promises/<int:pk>/follow-up/",
        agreements.promise_follow_up,
        name="promise-follow-up",
    ),
    # Actions
    path("focus-areas/<int:pk>/actions/new/", actions.action_create, name="action-create"),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action-edit"),
    path(
        "actions/<int:pk>/updates/new/",
        actions.action_update_create,
        name="action-update-create",
    ),
    # People and organisations (the municipality's own administration)
    path("people/", people.people_list, name="people-list"),
    path("people/new/", people.person_create, name="person-create"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path("organisations/new/", organisations.organisation_create, name="organisation-create"),
    path(
        "organisations/<int:pk>/edit/",
        organisations.organisation_edit,
        name="organisation-edit",
    ),
    # Areas (the municipality's geography)
    path("areas/", areas.area_list, name="area-list"),
    path("areas/new/", areas.area_create, name="area-create"),
    path("areas/outline/", areas.municipality_outline, name="municipality-outline"),
    path("areas/<int:pk>/edit/", areas.area_edit, name="area-edit"),
    # API tokens of partners' systems (the municipality's admins)
    path("api-tokens/", tokens.token_list, name="token-list"),
    path("api-tokens/new/", tokens.token_create, name="token-create"),
    path("api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
]

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/actions/", views.action_list, name="action-list"),
    path("meetings/actions/<int:pk>/status/", views.action_status, name="action-status"),
    path("meetings/calendar/", views.calendar, name="calendar"),
    path("meetings/bodies/<int:pk>/feed.ics", views.body_feed, name="body-feed"),
    path("meetings/series/", views.series_list, name="series-list"),
    path("meetings/series/new/", views.series_form, name="series-create"),
    path("meetings/series/<int:pk>/", views.series_detail, name="series-detail"),
    path("meetings/series/<int:pk>/edit/", views.series_form, name="series-edit"),
    path("meetings/series/<int:pk>/generate/", views.series_generate, name="series-generate"),
    path("meetings/series/<int:pk>/share/", views.series_share_links, name="series-share-links"),
    path(
        "meetings/share-links/<int:link_pk>/revoke/",
        views.share_link_revoke,
        name="share-link-revoke",
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting-publish"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path("meetings/<int:pk>/share/", views.meeting_share_links, name="meeting-share-links"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/agenda/fill/", views.agenda_fill, name="agenda-fill"),
    path("meetings/<int:pk>/agenda/reorder/", views.agenda_reorder, name="agenda-reorder"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_item_add, name="agenda-item-add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/edit/",
        views.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/delete/",
        views.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/move/",
        views.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/shareable/",
        views.agenda_item_shareable,
        name="agenda-item-shareable",
    ),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/minutes/reopen/", views.minutes_reopen, name="minutes-reopen"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("meetings/<int:pk>/minutes/v<int:number>/", views.minutes_version, name="minutes-version"),
    path(
        "meetings/<int:pk>/minutes/v<int:number>.pdf",
        views.minutes_pdf,
        name="minutes-version-pdf",
    ),
    path("meetings/<int:pk>/observations/", views.observation_add, name="observation-add"),
    path(
        "meetings/observations/map-data/",
        views.observation_map_data,
        name="observation-map-data",
    ),
    path(
        "meetings/<int:pk>/observations/<int:obs_pk>/action/",
        views.observation_action,
        name="observation-action",
    ),
]

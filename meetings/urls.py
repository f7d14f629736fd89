from django.urls import path

from .views import actions, agenda, calendars, meetings, minutes, series, share_links, walks

app_name = "meetings"

urlpatterns = [
    # Meetings
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/publish/", meetings.meeting_publish, name="meeting-publish"),
    path("meetings/<int:pk>/held/", meetings.meeting_held, name="meeting-held"),
    path("meetings/<int:pk>/answer/", meetings.meeting_rsvp, name="meeting-rsvp"),
    # Agenda
    path("meetings/<int:pk>/agenda/fill/", agenda.agenda_fill, name="agenda-fill"),
    path("meetings/<int:pk>/agenda/reorder/", agenda.agenda_reorder, name="agenda-reorder"),
    path("meetings/<int:pk>/agenda/add/", agenda.agenda_item_add, name="agenda-item-add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/edit/",
        agenda.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/delete/",
        agenda.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/move/",
        agenda.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/shareable/",
        agenda.agenda_item_shareable,
        name="agenda-item-shareable",
    ),
    # Attendance and minutes
    path("meetings/<int:pk>/attendance/", minutes.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes/", minutes.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/minutes/reopen/", minutes.minutes_reopen, name="minutes-reopen"),
    path("meetings/<int:pk>/minutes.pdf", minutes.minutes_pdf, name="minutes-pdf"),
    path(
        "meetings/<int:pk>/minutes/v<int:number>/",
        minutes.minutes_version,
        name="minutes-version",
    ),
    path(
        "meetings/<int:pk>/minutes/v<int:number>.pdf",
        minutes.minutes_pdf,
        name="minutes-version-pdf",
    ),
    # Action items
    path("meetings/actions/", actions.action_list, name="action-list"),
    path("meetings/actions/<int:pk>/status/", actions.action_status, name="action-status"),
    # Safety walks
    path("meetings/<int:pk>/observations/", walks.observation_add, name="observation-add"),
    path(
        "meetings/<int:pk>/observations/<int:obs_pk>/action/",
        walks.observation_action,
        name="observation-action",
    ),
    path(
        "meetings/observations/map-data/",
        walks.observation_map_data,
        name="observation-map-data",
    ),
    # Series
    path("meetings/series/", series.series_list, name="series-list"),
    path("meetings/series/new/", series.series_form, name="series-create"),
    path("meetings/series/<int:pk>/", series.series_detail, name="series-detail"),
    path("meetings/series/<int:pk>/edit/", series.series_form, name="series-edit"),
    path("meetings/series/<int:pk>/generate/", series.series_generate, name="series-generate"),
    # Share links (the page a link opens is in urls_public)
    path("meetings/<int:pk>/share/", share_links.meeting_share_links, name="meeting-share-links"),
    path(
        "meetings/series/<int:pk>/share/",
        share_links.series_share_links,
        name="series-share-links",
    ),
    path(
        "meetings/share-links/<int:link_pk>/revoke/",
        share_links.share_link_revoke,
        name="share-link-revoke",
    ),
    # Calendars
    path("meetings/calendar/", calendars.calendar, name="calendar"),
    path("meetings/bodies/<int:pk>/feed.ics", calendars.body_feed, name="body-feed"),
]

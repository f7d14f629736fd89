from django.urls import path

from .views import calendars, public

app_name = "meetings_public"

# Pages reached without a municipality in the address: share links and private calendar feeds.
# The token is the only key: unguessable (256 bits) and stored as a SHA-256 hash.
urlpatterns = [
    path("share/<str:token>/", public.shared_agenda, name="share"),
    path("share/<str:token>/meeting.ics", public.shared_calendar, name="share-ics"),
    path("answer/<str:token>/<str:answer>/", public.answer_by_mail, name="rsvp"),
    path("calendar/<str:token>.ics", calendars.personal_feed, name="calendar-feed"),
]

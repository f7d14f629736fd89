"""iCalendar feeds (RFC 5545) with the ``icalendar`` library.

- UID: ``meeting-<pk>@<host>``, stable for the life of the meeting.
- SEQUENCE: ``Meeting.sequence``, raised by every change of time, place, title or status, so
  calendar apps replace their copy.
- A cancelled meeting stays in the feed with STATUS:CANCELLED, so subscribers see it go.
- DTSTART/DTEND carry TZID=Europe/Stockholm and the feed includes the VTIMEZONE.
"""

from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .recurrence import STOCKHOLM


def uid_for(meeting):
    host = urlparse(settings.SITE_URL).hostname or "trygghet"
    return f"meeting-{meeting.pk}@{host}"


def build_calendar(meetings, name, url=None):
    """The meetings as an iCalendar file. ``url``: the address every event links to (a share
    page's, for guests who cannot log in); by default each meeting's own page."""
    cal = Calendar()
    cal.add("prodid", "-//Trygghet//meetings//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    for meeting in meetings:
        event = Event()
        event.add("uid", uid_for(meeting))
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", timezone.now())
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", meeting.start.astimezone(STOCKHOLM))
        event.add("dtend", meeting.end.astimezone(STOCKHOLM))
        event.add("summary", meeting.title)
        location = meeting.place or meeting.video_url
        if location:
            event.add("location", location)
        page = url or settings.SITE_URL + meeting.get_absolute_url()
        event.add("url", page)
        description = [page]
        if meeting.video_url:
            description.append(meeting.video_url)
        event.add("description", "\n".join(description))
        if meeting.is_cancelled:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()

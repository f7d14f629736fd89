"""The recurrence of a meeting series, evaluated in local wall-clock time.

Rules are expanded with python-dateutil on *naive* Europe/Stockholm datetimes and only then given
the time zone, so a meeting at 09:00 stays at 09:00 across the daylight-saving change (evaluating
the rule in UTC would move it an hour).
"""

import datetime
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygghet.limits import LOCAL_TIME, in_range

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = [du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU]


class Recurrence(models.TextChoices):
    """How a series recurs (``MeetingSeries.Recurrence``)."""

    WEEKLY = "weekly", gettext_lazy("every week")
    BIWEEKLY = "biweekly", gettext_lazy("every other week")
    MONTHLY_WEEKDAY = "monthly_weekday", gettext_lazy("monthly on a weekday (e.g. first Tuesday)")
    RRULE = "rrule", gettext_lazy("iCalendar rule (RRULE)")
    AS_DECIDED = "as_decided", gettext_lazy("as decided (no automatic meetings)")


class RecurrenceError(ValueError):
    pass


def build_rule(series):
    """The dateutil rule of a series, or None for series that meet as decided."""
    dtstart = datetime.datetime.combine(series.start_date, series.start_time)
    until = (
        datetime.datetime.combine(series.end_date, datetime.time(23, 59))
        if series.end_date
        else None
    )
    if series.recurrence == Recurrence.AS_DECIDED:
        return None
    if series.recurrence == Recurrence.WEEKLY:
        return du.rrule(du.WEEKLY, interval=1, dtstart=dtstart, until=until)
    if series.recurrence == Recurrence.BIWEEKLY:
        return du.rrule(du.WEEKLY, interval=2, dtstart=dtstart, until=until)
    if series.recurrence == Recurrence.MONTHLY_WEEKDAY:
        if series.weekday is None or series.week_of_month is None:
            raise RecurrenceError(_("A monthly series needs a weekday and a week of the month."))
        day = WEEKDAYS[series.weekday](series.week_of_month)
        return du.rrule(du.MONTHLY, byweekday=day, dtstart=dtstart, until=until)
    if series.recurrence == Recurrence.RRULE:
        return parse_rrule(series.rrule, dtstart, until)
    raise RecurrenceError(_("Unknown recurrence."))


# The parts of an iCalendar RRULE (RFC 5545, 3.3.10). dateutil also knows BYEASTER, which is
# not iCalendar (and would defeat the 400-year check in ``_produces_anything``).
RRULE_PARTS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
# The Gregorian calendar repeats itself every 400 years (146,097 days, exactly 20,871 weeks):
# weekdays, leap days and ISO week numbers alike.
CALENDAR_CYCLE_YEARS = 400


def parse_rrule(text, dtstart, until=None):
    """A dateutil rule for ``text``, checked so that generating it is cheap and sane.

    Refused (issue 10, finding 4): anything but one RRULE line, more than one meeting a day
    (a frequency under a day, or several values of BYHOUR, BYMINUTE or BYSECOND: a rule makes
    one occurrence per combination of them on each day it meets), INTERVAL under 1, an UNTIL
    outside 2000-2100, and rules that never produce a meeting.
    """
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if any(char in text for char in "\r\n"):
        raise RecurrenceError(_("Write a single RRULE."))
    if "FREQ=" not in text.upper():
        raise RecurrenceError(_("The rule must say how often, e.g. FREQ=WEEKLY."))
    unknown = sorted(
        {part.split("=")[0].strip().upper() for part in text.split(";") if part.strip()}
        - RRULE_PARTS
    )
    try:
        if unknown:
            raise ValueError(", ".join(unknown))
        rule = du.rrulestr(text, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise RecurrenceError(
            _("“%(rule)s” is not a valid iCalendar rule (%(error)s).")
            % {"rule": text, "error": exc}
        ) from None
    if not isinstance(rule, du.rrule) or rule._dtstart != dtstart:
        raise RecurrenceError(_("Write a single RRULE."))
    if rule._freq > du.DAILY:
        raise RecurrenceError(_("Meetings can repeat at most once a day."))
    if len(rule._byhour or ()) * len(rule._byminute or ()) * len(rule._bysecond or ()) > 1:
        raise RecurrenceError(
            _(
                "A series has at most one meeting a day: give BYHOUR, BYMINUTE and BYSECOND "
                "one value each, or leave them out (the meetings start at the series' time)."
            )
        )
    if rule._interval < 1:
        raise RecurrenceError(_("INTERVAL must be at least 1."))
    if rule._until is not None and not in_range(rule._until.replace(tzinfo=LOCAL_TIME)):
        raise RecurrenceError(_("UNTIL must be a date between 2000 and 2100."))
    if until is not None:
        rule = rule.replace(until=until, count=None) if rule._count is None else rule
    if not _produces_anything(rule):
        raise RecurrenceError(_("The rule never produces a meeting."))
    return rule


def _produces_anything(rule):
    """Whether the rule has an occurrence at all, in bounded time.

    dateutil looks for the next occurrence period by period up to year 9999, which for a rule
    whose pattern never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) takes seconds, UNTIL or
    not. A pattern repeats with the calendar, so whether it ever matches is seen in one cycle:
    the same pattern, moved by whole cycles to the last full cycle before year 9999, is
    searched there. Only a pattern that matches is then searched from its real start, which
    ends at the first match (or UNTIL, or COUNT).
    """
    start = rule._dtstart
    if rule._freq == du.DAILY and any(abs(p) > 1 for p in rule._bysetpos or ()):
        return False  # a day holds one occurrence: BYSETPOS=2 picks from nothing
    cycles = (datetime.MAXYEAR - 2 * CALENDAR_CYCLE_YEARS - start.year) // CALENDAR_CYCLE_YEARS
    moved = start.replace(year=start.year + (cycles + 1) * CALENDAR_CYCLE_YEARS)
    pattern = rule.replace(dtstart=moved, until=None, count=None)
    if pattern.after(moved, inc=True) is None:
        return False
    return rule.after(start, inc=True) is not None


def occurrences(series, start, end, limit=None):
    """Aware datetimes of the series' occurrences with ``start <= occurrence < end``, at most
    ``limit`` of them (the first ones)."""
    rule = build_rule(series)
    if rule is None:
        return []
    local_start = start.astimezone(STOCKHOLM).replace(tzinfo=None)
    local_end = end.astimezone(STOCKHOLM).replace(tzinfo=None)
    result = []
    # xafter walks the rule lazily: nothing is expanded beyond the end or the limit.
    for naive in rule.xafter(local_start - datetime.timedelta(hours=1), inc=True):
        if naive > local_end + datetime.timedelta(hours=1):
            break
        aware = naive.replace(tzinfo=STOCKHOLM)
        if start <= aware < end:
            result.append(aware)
            if limit is not None and len(result) >= limit:
                break
    return result

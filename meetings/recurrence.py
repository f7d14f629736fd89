"""The recurrence of a meeting series, evaluated in local wall-clock time.

Rules are expanded with python-dateutil on *naive* Europe/Stockholm datetimes and only then given
the time zone, so a meeting at 09:00 stays at 09:00 across the daylight-saving change (evaluating
the rule in UTC would move it an hour).
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil import rrule as du
from django.utils.translation import gettext as _

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = [du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU]


class RecurrenceError(ValueError):
    pass


def build_rule(series):
    """The dateutil rule of a series, or None for series that meet as decided."""
    from .models import MeetingSeries

    R = MeetingSeries.Recurrence
    dtstart = datetime.datetime.combine(series.start_date, series.start_time)
    until = (
        datetime.datetime.combine(series.end_date, datetime.time(23, 59))
        if series.end_date
        else None
    )
    if series.recurrence == R.AS_DECIDED:
        return None
    if series.recurrence == R.WEEKLY:
        return du.rrule(du.WEEKLY, interval=1, dtstart=dtstart, until=until)
    if series.recurrence == R.BIWEEKLY:
        return du.rrule(du.WEEKLY, interval=2, dtstart=dtstart, until=until)
    if series.recurrence == R.MONTHLY_WEEKDAY:
        if series.weekday is None or series.week_of_month is None:
            raise RecurrenceError(_("A monthly series needs a weekday and a week of the month."))
        day = WEEKDAYS[series.weekday](series.week_of_month)
        return du.rrule(du.MONTHLY, byweekday=day, dtstart=dtstart, until=until)
    if series.recurrence == R.RRULE:
        return parse_rrule(series.rrule, dtstart, until)
    raise RecurrenceError(_("Unknown recurrence."))


def parse_rrule(text, dtstart, until=None):
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "FREQ=" not in text.upper():
        raise RecurrenceError(_("The rule must say how often, e.g. FREQ=WEEKLY."))
    if any(part in text.upper() for part in ("FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY")):
        raise RecurrenceError(_("Meetings can repeat at most once a day."))
    try:
        rule = du.rrulestr(text, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise RecurrenceError(
            _("“%(rule)s” is not a valid iCalendar rule (%(error)s).")
            % {"rule": text, "error": exc}
        ) from None
    if not isinstance(rule, du.rrule):
        raise RecurrenceError(_("Write a single RRULE."))
    if until is not None:
        rule = rule.replace(until=until, count=None) if rule._count is None else rule
    # A rule that yields nothing in the next ten years is a mistake, not a plan.
    if rule.after(dtstart - datetime.timedelta(seconds=1), inc=True) is None:
        raise RecurrenceError(_("The rule never produces a meeting."))
    return rule


def occurrences(series, start, end):
    """Aware datetimes of the series' occurrences with ``start <= occurrence < end``."""
    rule = build_rule(series)
    if rule is None:
        return []
    local_start = start.astimezone(STOCKHOLM).replace(tzinfo=None)
    local_end = end.astimezone(STOCKHOLM).replace(tzinfo=None)
    result = []
    for naive in rule.between(local_start, local_end, inc=True):
        aware = naive.replace(tzinfo=STOCKHOLM)
        if start <= aware < end:
            result.append(aware)
    return result


@lru_cache(maxsize=32)
def _swedish_holidays(year):
    return holidays.Sweden(years=year, include_sundays=False, language="sv")


def holiday_name(day):
    """The Swedish public holiday on ``day`` (a date), or ''."""
    return _swedish_holidays(day.year).get(day) or ""

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
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

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


# --- The rule in words ------------------------------------------------------------------------
# "var fjärde torsdag 09:00" / "every fourth Thursday 09:00" (issue 12, point 11): what a series'
# rule says, in the reader's language. dateutil parses the rule; the words are ours, for the
# shapes a council meets by (weekly with an interval, the n-th weekday of the month, a day of
# the month, daily). Anything else is shown as the rule itself (``describe`` gives None).

# The weekday as it stands alone ("every Thursday": "varje torsdag").
WEEKDAY_NAMES = [
    pgettext_lazy("every ___", "Monday"),
    pgettext_lazy("every ___", "Tuesday"),
    pgettext_lazy("every ___", "Wednesday"),
    pgettext_lazy("every ___", "Thursday"),
    pgettext_lazy("every ___", "Friday"),
    pgettext_lazy("every ___", "Saturday"),
    pgettext_lazy("every ___", "Sunday"),
]
# The weekday after an ordinal ("the first Tuesday of the month": "första tisdagen i månaden").
NTH_WEEKDAY_NAMES = [
    pgettext_lazy("the first ___ of the month", "Monday"),
    pgettext_lazy("the first ___ of the month", "Tuesday"),
    pgettext_lazy("the first ___ of the month", "Wednesday"),
    pgettext_lazy("the first ___ of the month", "Thursday"),
    pgettext_lazy("the first ___ of the month", "Friday"),
    pgettext_lazy("the first ___ of the month", "Saturday"),
    pgettext_lazy("the first ___ of the month", "Sunday"),
]
# "every third week" (3 to 12; 2 is "every other", beyond 12 a number).
EVERY_NTH = {
    3: pgettext_lazy("every ___ week", "third"),
    4: pgettext_lazy("every ___ week", "fourth"),
    5: pgettext_lazy("every ___ week", "fifth"),
    6: pgettext_lazy("every ___ week", "sixth"),
    7: pgettext_lazy("every ___ week", "seventh"),
    8: pgettext_lazy("every ___ week", "eighth"),
    9: pgettext_lazy("every ___ week", "ninth"),
    10: pgettext_lazy("every ___ week", "tenth"),
    11: pgettext_lazy("every ___ week", "eleventh"),
    12: pgettext_lazy("every ___ week", "twelfth"),
}
# "the first Tuesday of the month"
NTH_OF_MONTH = {
    1: pgettext_lazy("the ___ Tuesday of the month", "first"),
    2: pgettext_lazy("the ___ Tuesday of the month", "second"),
    3: pgettext_lazy("the ___ Tuesday of the month", "third"),
    4: pgettext_lazy("the ___ Tuesday of the month", "fourth"),
    5: pgettext_lazy("the ___ Tuesday of the month", "fifth"),
    -1: pgettext_lazy("the ___ Tuesday of the month", "last"),
    -2: pgettext_lazy("the ___ Tuesday of the month", "second to last"),
}
# Parts of a rule the words below can say; any other part given makes ``describe`` give up.
_SAID = {"byweekday", "bymonthday", "bysetpos", "byhour", "byminute", "bysecond"}


def _days(weekdays):
    names = [str(WEEKDAY_NAMES[day]) for day in sorted(weekdays)]
    if len(names) == 1:
        return names[0]
    return _("%(days)s and %(last)s") % {"days": ", ".join(names[:-1]), "last": names[-1]}


def _every(interval, one, other, nth, many, **words):
    """One of four wordings by the interval: every, every other, every n-th, every n."""
    if interval == 1:
        return one % words
    if interval == 2:
        return other % words
    if interval in EVERY_NTH:
        return nth % {**words, "nth": EVERY_NTH[interval]}
    return many % {**words, "count": interval}


def _weekly(rule):
    days = _days(rule._byweekday)
    return _every(
        rule._interval,
        _("every %(days)s"),
        _("every other %(days)s"),
        _("every %(nth)s %(days)s"),
        _("every %(count)s weeks on %(days)s"),
        days=days,
    )


def _monthly(rule, given):
    if given.get("bymonthday"):
        if len(rule._bymonthday) != 1 or rule._bymonthday[0] < 1 or given.get("byweekday"):
            return None
        day = rule._bymonthday[0]
        return _every(
            rule._interval,
            _("on day %(day)s of every month"),
            _("on day %(day)s of every other month"),
            _("on day %(day)s of every %(nth)s month"),
            _("on day %(day)s every %(count)s months"),
            day=day,
        )
    if rule._bynweekday and len(rule._bynweekday) == 1 and not rule._byweekday:
        weekday, position = rule._bynweekday[0]
    elif rule._byweekday and len(rule._byweekday) == 1 and len(rule._bysetpos or ()) == 1:
        weekday, position = rule._byweekday[0], rule._bysetpos[0]
    elif not given.get("byweekday") and not given.get("bysetpos"):
        # FREQ=MONTHLY alone: the day of the month of the first meeting.
        return _monthly(rule, {"bymonthday": rule._bymonthday})
    else:
        return None
    if position not in NTH_OF_MONTH:
        return None
    return _every(
        rule._interval,
        _("the %(position)s %(weekday)s of every month"),
        _("the %(position)s %(weekday)s of every other month"),
        _("the %(position)s %(weekday)s of every %(nth)s month"),
        _("the %(position)s %(weekday)s every %(count)s months"),
        position=NTH_OF_MONTH[position],
        weekday=NTH_WEEKDAY_NAMES[weekday],
    )


def _daily(rule):
    return _every(
        rule._interval,
        _("every day"),
        _("every other day"),
        _("every %(nth)s day"),
        _("every %(count)s days"),
    )


def describe(series, *, with_time=True):
    """The series' recurrence in words in the active language ("every fourth Thursday 09:00"),
    or None when the rule has no words here (the page then shows the rule itself)."""
    if series.recurrence == Recurrence.AS_DECIDED:
        return str(Recurrence.AS_DECIDED.label)
    try:
        rule = build_rule(series)
    except RecurrenceError:
        return None
    given = {key for key, value in rule._original_rule.items() if value}
    if given - _SAID or (rule._freq != du.MONTHLY and "bysetpos" in given):
        return None
    if rule._freq == du.WEEKLY:
        words = _weekly(rule)
    elif rule._freq == du.MONTHLY:
        words = _monthly(rule, rule._original_rule)
    elif rule._freq == du.DAILY:
        words = _daily(rule)
    else:
        words = None
    if words is None:
        return None
    if with_time:
        time = datetime.time(
            min(rule._byhour) if rule._byhour else series.start_time.hour,
            min(rule._byminute) if rule._byminute else series.start_time.minute,
        )
        words = _("%(rule)s %(time)s") % {"rule": words, "time": time.strftime("%H:%M")}
    if rule._count:
        words = ngettext("%(rule)s, %(count)s time", "%(rule)s, %(count)s times", rule._count) % {
            "rule": words,
            "count": rule._count,
        }
    if rule._until and series.recurrence == Recurrence.RRULE and not series.end_date:
        words = _("%(rule)s until %(date)s") % {
            "rule": words,
            "date": rule._until.date().isoformat(),
        }
    return words

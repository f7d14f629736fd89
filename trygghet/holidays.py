"""Swedish holidays, from the ``holidays`` package: one source for the meeting planner (a
meeting on a public holiday is flagged) and for the calendar of upcoming events (which also
marks the eves people celebrate: midsommarafton, julafton, Valborgsmässoafton)."""

from functools import lru_cache

import holidays

VALBORG = "Valborgsmässoafton"


@lru_cache(maxsize=64)
def _calendar(year, category):
    return holidays.country_holidays("SE", years=year, language="sv", categories=(category,))


def holiday_name(day):
    """The Swedish public holiday on ``day`` (a date), or ''."""
    return _calendar(day.year, "public").get(day) or ""


def holiday_date(year, name):
    """The date of the public holiday called ``name`` (Swedish) in ``year``."""
    for date, holiday in _calendar(year, "public").items():
        if holiday == name:
            return date
    raise LookupError(name)


def public_holidays(year):
    """(date, name) of the year's Swedish public and de facto holidays, and Valborgsmässoafton."""
    found = {}
    for category in ("public", "de_facto"):
        for date, name in _calendar(year, category).items():
            found.setdefault(date, name)
    for date, name in _calendar(year, "optional").items():
        if name.startswith(VALBORG):
            found.setdefault(date, VALBORG)
    return sorted(found.items())

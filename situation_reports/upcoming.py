"""Horizon scanning: Swedish public holidays and school breaks for a year.

Public holidays come from the ``holidays`` library (Sweden: public and de facto holidays, and
Valborgsmässoafton, an evening of large outdoor gatherings). ``holidays`` has no school breaks,
so they are derived from the usual pattern in Skåne (Burlöv and Eslöv), with dates computed
from the calendar and from ``holidays`` rather than typed in:

- sportlov: ISO week 7, Monday to Friday (Skåne's week);
- påsklov: the week after Easter, from Annandag påsk to that Friday;
- höstlov: ISO week 44, Monday to Friday (the national pattern);
- jullov: from the Saturday before Christmas Eve to the Sunday before the first Monday after
  Trettondedag jul of the next year.

Each municipality decides its own breaks: the generated rows are a starting point that a
coordinator corrects where the local calendar differs. Generating again adds nothing.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from trygghet import limits
from trygghet.holidays import VALBORG, holiday_date, public_holidays

from .models import UpcomingEvent

# The years a calendar is generated for. A year's jullov ends in the next one, which must lie
# in the range of dates Trygghet keeps too (and ``holidays`` knows no year after 2100).
FIRST_YEAR = limits.EARLIEST_DATE.year
LAST_YEAR = limits.LATEST_DATE.year - 1


# Safety effects worth knowing ahead, by holiday name (the dates come from ``holidays``).
EFFECTS = {
    "Nyårsafton": "Fyrverkerier och stora samlingar: fler bränder, smällar och ordningsstörningar.",
    "Nyårsdagen": "Efterverkningar av nyårsnatten: skadegörelse och nedskräpning.",
    VALBORG: "Valborgsfiranden utomhus: alkohol, ungdomssamlingar och brasor.",
    "Midsommarafton": "Många fester: alkohol, bråk och trafik ut ur staden.",
    "Julafton": "Lugnare ute, fler inbrott i tomma bostäder och våld i nära relationer.",
}
SCHOOL_BREAK_EFFECT = (
    "Skolan är stängd: fler ungdomar ute på dagtid, fritidsgårdarnas öppettider avgör mycket."
)


def school_breaks(year):
    """(title, first day, last day) of the year's school breaks, by the Skåne rule above."""
    breaks = []
    monday = datetime.date.fromisocalendar(year, 7, 1)
    breaks.append((_("Sportlov"), monday, monday + datetime.timedelta(days=4)))
    easter_monday = holiday_date(year, "Annandag påsk")
    breaks.append((_("Påsklov"), easter_monday, easter_monday + datetime.timedelta(days=4)))
    monday = datetime.date.fromisocalendar(year, 44, 1)
    breaks.append((_("Höstlov"), monday, monday + datetime.timedelta(days=4)))
    christmas_eve = datetime.date(year, 12, 24)
    start = christmas_eve - datetime.timedelta(days=(christmas_eve.weekday() - 5) % 7)
    epiphany = holiday_date(year + 1, "Trettondedag jul")
    first_monday = epiphany + datetime.timedelta(days=(7 - epiphany.weekday()) % 7 or 7)
    breaks.append((_("Jullov"), start, first_monday - datetime.timedelta(days=1)))
    return breaks


def generate_calendar(municipality, year):
    """Add the year's holidays and school breaks to the municipality's upcoming events.
    Returns how many were added (those already there are left as they are)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"no calendar for {year}: only {FIRST_YEAR} to {LAST_YEAR}")
    rows = []
    for date, name in public_holidays(year):
        rows.append(
            UpcomingEvent(
                municipality=municipality,
                title=name,
                starts_on=date,
                ends_on=date,
                kind=UpcomingEvent.Kind.PUBLIC_HOLIDAY,
                expected_effect=EFFECTS.get(name, ""),
                generated_key=f"holiday:{date.isoformat()}",
            )
        )
    for title, first, last in school_breaks(year):
        rows.append(
            UpcomingEvent(
                municipality=municipality,
                title=f"{title} {year}",
                starts_on=first,
                ends_on=last,
                kind=UpcomingEvent.Kind.SCHOOL_BREAK,
                expected_effect=SCHOOL_BREAK_EFFECT,
                generated_key=f"school:{first.isoformat()}:{title.lower()}",
            )
        )
    with transaction.atomic():
        existing = set(
            UpcomingEvent.objects.filter(
                municipality=municipality, generated_key__in=[r.generated_key for r in rows]
            ).values_list("generated_key", flat=True)
        )
        new = [r for r in rows if r.generated_key not in existing]
        UpcomingEvent.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)

"""The format of the Swedish Police's open data (``GET https://polisen.se/api/events``): a
record of the API checked and read as a ``PoliceEvent``, or refused with its reason.

The traps of the format (see ../shared/data/polisen-events/README.md), each handled here:
- ``datetime`` hours are not zero-padded (``2025-06-07 7:32:06 +02:00``);
- ``name`` is ``"DD månad HH.MM, Typ, Plats"`` (older records ``HH:MM``) without a year: the
  year comes from ``datetime``, and a December event published in January belongs to the
  previous year (the ``url`` may even carry the wrong year, so it is not used for dates);
- ``location.name`` is a municipality or a county (``Skåne län``). Since 20 January 2026 the
  API names the county there and puts the municipality last in the name (``"21 januari 14.02,
  Brand, Kävlinge"``); before, county records were county notices. ``municipality_of`` reads
  both shapes, for the importer and the comparisons alike; a county notice that names no
  municipality of its county is no municipal incident. The police's spelling of a name may
  differ in case from the official one (``Upplands väsby``, ``Östra göinge``). ``gps`` is the
  centre of that municipality or county, not the place, so it is not stored as the incident's
  position;
- summaries (``Sammanfattning natt``...) bundle many events and are skipped;
- types outside the published list (``Djur``...) go to "other" and are counted;
- ``url`` is relative in newer records; only https addresses on polisen.se are kept
  (``models.police_link``), anything else (``javascript:``...) is dropped and counted.

And the traps of any outside source (issue #10): every record is checked by ``parse_event``
before it is used: numbers where text is expected, dates outside the range Trygghet keeps
(``trygghet.limits``; year 1 with an offset is not even a datetime Python can convert), ids
beyond bigint, NUL and other control characters, nested values, missing fields.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from trygghet import limits

from ..models import Incident

STOCKHOLM = ZoneInfo("Europe/Stockholm")

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip

# The police's types (their published list and some seen in the data) to our category codes.
# A type not listed here goes to "other" and is counted as unknown.
TYPE_TO_CATEGORY = {
    # vandalism
    "Skadegörelse": "vandalism",
    "Sabotage mot blåljusverksamhet": "vandalism",
    # fire
    "Brand": "fire",
    "Mordbrand": "fire",
    "Brand automatlarm": "fire",
    # theft and burglary
    "Stöld": "theft",
    "Stöld, försök": "theft",
    "Stöld/inbrott": "theft",
    "Inbrott": "theft",
    "Inbrott, försök": "theft",
    "Larm Inbrott": "theft",
    "Motorfordon, stöld": "theft",
    "Motorfordon, anträffat stulet": "theft",
    "Häleri": "theft",
    "Åldringsbrott": "theft",
    "Bedrägeri": "theft",
    # violence and threats
    "Misshandel": "violence",
    "Misshandel, grov": "violence",
    "Mord/dråp": "violence",
    "Mord/dråp, försök": "violence",
    "Olaga hot": "violence",
    "Våld/hot mot tjänsteman": "violence",
    "Rån": "violence",
    "Rån, försök": "violence",
    "Rån övrigt": "violence",
    "Rån väpnat": "violence",
    "Larm Överfall": "violence",
    "Skottlossning": "violence",
    "Skottlossning, misstänkt": "violence",
    "Explosion": "violence",
    "Detonation": "violence",
    "Knivlagen": "violence",
    "Vapenlagen": "violence",
    "Våldtäkt": "violence",
    "Våldtäkt, försök": "violence",
    "Sexualbrott": "violence",
    "Olaga frihetsberövande/människorov": "violence",
    "Bombhot": "violence",
    "Hets mot folkgrupp": "violence",
    # drugs
    "Narkotikabrott": "drugs",
    # public disorder
    "Bråk": "public_disorder",
    "Fylleri/LOB": "public_disorder",
    "Fylleri": "public_disorder",
    "Ordningslagen": "public_disorder",
    "Ofredande/förargelse": "public_disorder",
    "Sedlighetsbrott": "public_disorder",
    "Smällar": "public_disorder",
    "Alkohollagen": "public_disorder",
    "Olaga intrång": "public_disorder",
    "Hemfridsbrott": "public_disorder",
    # unsafe place
    "Farligt föremål, misstänkt": "unsafe_place",
    # traffic
    "Trafikolycka": "traffic",
    "Trafikolycka, personskada": "traffic",
    "Trafikolycka, vilt": "traffic",
    "Trafikolycka, singel": "traffic",
    "Trafikolycka, smitning från": "traffic",
    "Trafikbrott": "traffic",
    "Trafikkontroll": "traffic",
    "Trafikhinder": "traffic",
    "Rattfylleri": "traffic",
    "Olovlig körning": "traffic",
    # other, known
    "Övrigt": "other",
    "Försvunnen person": "other",
    "Arbetsplatsolycka": "other",
    "Fjällräddning": "other",
    "Kontroll person/fordon": "other",
    "Kontroll": "other",
    "Räddningsinsats": "other",
    "Anträffad död": "other",
    "Information": "other",
    "Polisinsats/kommendering": "other",
    "Vållande till kroppsskada": "other",
    "Uppdatering": "other",
    "Sjukdom/olycksfall": "other",
    "Skyddslagen": "other",
    "Anträffat gods": "other",
    "Efterlyst person": "other",
    "Sjölagen": "other",
    "Miljöbrott": "other",
    "Luftfartslagen": "other",
    "Utlänningslagen": "other",
    "Missbruk av urkund": "other",
    "Ekobrott": "other",
    "Förfalskningsbrott": "other",
    "Varningslarm/haveri": "other",
    "Spridning smitta/kemikalier": "other",
    "Upphittat föremål": "other",
}

DATETIME_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*"
    r"(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})$",
    re.ASCII,
)
NAME_RE = re.compile(
    r"^\s*(?P<day>\d{1,2})\s+(?P<month>[a-zåäö]+)\s+(?P<h>\d{1,2})[.:](?P<m>\d{2})"
)


class MalformedEvent(ValueError):
    """A record that is not a police event Trygghet can keep; ``reason`` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_published(value):
    """The API's ``datetime``: ``2025-06-07 7:32:06 +02:00`` (hour not zero-padded).

    Raises ValueError when it is not one, or when its date lies outside the range Trygghet
    keeps (checked before any conversion: year 1 with an offset overflows ``astimezone``)."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("unreadable datetime")
    match = DATETIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"unreadable datetime {value!r}")
    offset = datetime.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    if match["sign"] == "-":
        offset = -offset
    date = datetime.date.fromisoformat(match["date"])
    if not limits.in_range(date):
        raise ValueError(f"datetime out of range {value!r}")
    return datetime.datetime(
        date.year,
        date.month,
        date.day,
        int(match["h"]),
        int(match["m"]),
        int(match["s"]),
        tzinfo=datetime.timezone(offset),
    )


def event_time(name, published):
    """When the event happened: day, month and time from the name, the year from the
    publication (a December event published in January is of the previous year)."""
    match = NAME_RE.match(name or "")
    local_published = published.astimezone(STOCKHOLM)
    if not match or match["month"].lower() not in MONTHS:
        return local_published
    month, day = MONTHS[match["month"].lower()], int(match["day"])
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        return local_published
    for year in (local_published.year, local_published.year - 1):
        try:
            candidate = datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)
        except ValueError:  # 29 February in a year without it
            continue
        # An event is published after it happened (a day's slack for corrected clocks).
        if candidate <= local_published + datetime.timedelta(days=1):
            return candidate
    return local_published


def is_summary(event_type):
    return event_type.strip().lower().startswith("sammanfattning")


def is_county(location_name):
    return location_name.strip().lower().endswith(" län")


def place_in_name(name):
    """The last part of an event's name, "DD månad HH.MM, Typ, Plats": its place."""
    parts = (name or "").rsplit(",", 1)
    return parts[1].strip() if len(parts) == 2 else ""


def municipality_of(event, municipalities):
    """The municipality a ``PoliceEvent`` is of: ``(value, by_name)``.

    ``municipalities`` is ``{name.casefold(): (value, name of its county)}``; ``value`` is the
    one found, or None. A record whose ``location.name`` is a municipality is of that one
    (``by_name`` False). A county record (``by_name`` True) is of the municipality named last
    in its name when that one lies in that county: the police's shape since 20 January 2026
    ("21 januari 14.02, Brand, Kävlinge" in "Skåne län"), which hid every municipal event
    after that day from a lookup by location alone. A county notice naming no municipality
    of its county ("..., Övrigt, Skåne län") is of none and stays out.

    Names are compared casefolded: the police write "Upplands väsby" and "Östra göinge" for the
    official "Upplands Väsby" and "Östra Göinge". An empty county (one Trygghet has not been
    told) is not checked: a municipality's name is unique in Sweden, the check only guards
    against a place that merely shares it.
    """
    if is_county(event.location):
        found = municipalities.get(place_in_name(event.name).casefold())
        if found is None or (found[1] and found[1].casefold() != event.location.casefold()):
            return None, True
        return found[0], True
    found = municipalities.get(event.location.casefold())
    return (found[0] if found else None), False


@dataclass
class PoliceEvent:
    """One checked record of the API."""

    police_id: int
    published: datetime.datetime
    name: str
    summary: str
    event_type: str
    location: str
    url: str  # as given; ``police_link`` decides whether it is kept


# The text fields of a record: (key, longest accepted, may hold line breaks).
TEXT_FIELDS = [
    ("name", 1000, False),
    ("summary", limits.MAX_TEXT_LENGTH, True),
    ("type", Incident._meta.get_field("police_type").max_length, False),
]


def parse_event(event):
    """A record of the API as a ``PoliceEvent``, or MalformedEvent with the reason."""
    if not isinstance(event, dict):
        raise MalformedEvent("not an object")
    police_id = _police_id(event.get("id"))
    texts = {
        key: _text(event, key, longest, multi_line) for key, longest, multi_line in TEXT_FIELDS
    }
    location = event.get("location")
    if location is None:
        location = {}
    if not isinstance(location, dict):
        raise MalformedEvent("location is not an object")
    location_name = _text(location, "name", 200, False, label="location name")
    url = event.get("url")
    if url is not None and not isinstance(url, str):
        raise MalformedEvent("url is not text")
    try:
        published = parse_published(event.get("datetime"))
    except ValueError as error:
        reason = "datetime out of range" if "out of range" in str(error) else "unreadable datetime"
        raise MalformedEvent(reason) from None
    return PoliceEvent(
        police_id=police_id,
        published=published,
        name=texts["name"],
        summary=texts["summary"].strip(),
        event_type=texts["type"].strip(),
        location=location_name.strip(),
        url=url or "",
    )


def police_id_of(record):
    """A record's police id as ``parse_event`` reads it, or None: without reading the rest."""
    if not isinstance(record, dict):
        return None
    try:
        return _police_id(record.get("id"))
    except MalformedEvent:
        return None


def _police_id(value):
    if isinstance(value, bool):  # True is an int to Python, not an id
        value = None
    if isinstance(value, str):
        value = limits.parse_id(value)
    if not isinstance(value, int) or not 0 < value <= limits.MAX_ID:
        raise MalformedEvent("id is not a positive whole number")
    return value


def _text(record, key, longest, multi_line, label=None):
    value = record.get(key)
    if value is None:
        return ""
    label = label or key
    if not isinstance(value, str):
        raise MalformedEvent(f"{label} is not text")
    if len(value) > longest:
        raise MalformedEvent(f"{label} is too long")
    if limits.has_control_characters(value, single_line=not multi_line):
        raise MalformedEvent(f"{label} has control characters")
    return value

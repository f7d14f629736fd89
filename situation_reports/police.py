"""Import of the Swedish Police's open data (``GET https://polisen.se/api/events``).

The traps of the format (see ../shared/data/polisen-events/README.md), each handled here:
- ``datetime`` hours are not zero-padded (``2025-06-07 7:32:06 +02:00``);
- ``name`` is ``"DD månad HH.MM, Typ, Plats"`` (older records ``HH:MM``) without a year: the
  year comes from ``datetime``, and a December event published in January belongs to the
  previous year (the ``url`` may even carry the wrong year, so it is not used for dates);
- ``location.name`` is a municipality or a county (``Skåne län``); county records are not
  municipal incidents. ``gps`` is the centre of that municipality, not the place, so it is not
  stored as the incident's position;
- summaries (``Sammanfattning natt``...) bundle many events and are skipped;
- types outside the published list (``Djur``...) go to "other" and are counted;
- ``url`` is relative in newer records;
- the live API wants at least 10 s between calls.
"""

import datetime
import gzip
import json
import re
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from councils.models import Municipality, Organisation

from .models import Area, Incident, IncidentCategory

POLICE_SITE = "https://polisen.se"
API_URL = getattr(settings, "POLICE_EVENTS_URL", "https://polisen.se/api/events")
MIN_SECONDS_BETWEEN_CALLS = 10
STOCKHOLM = ZoneInfo("Europe/Stockholm")
BATCH_SIZE = 1000

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

SKIP_COUNTY = "county"
SKIP_SUMMARY = "summary"
SKIP_OTHER_MUNICIPALITY = "other_municipality"
SKIP_MALFORMED = "malformed"
SKIP_REASONS = {
    SKIP_COUNTY: "county-level record",
    SKIP_SUMMARY: "summary of several events",
    SKIP_OTHER_MUNICIPALITY: "municipality not in Trygghet",
    SKIP_MALFORMED: "malformed record",
}

DATETIME_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*"
    r"(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})$"
)
NAME_RE = re.compile(
    r"^\s*(?P<day>\d{1,2})\s+(?P<month>[a-zåäö]+)\s+(?P<h>\d{1,2})[.:](?P<m>\d{2})"
)


class PoliceDataError(Exception):
    """The source could not be read as police events."""


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    already_there: int = 0
    skipped: Counter = field(default_factory=Counter)
    unknown_types: Counter = field(default_factory=Counter)
    per_municipality: Counter = field(default_factory=Counter)

    def as_dict(self):
        return {
            "read": self.read,
            "imported": self.imported,
            "already_there": self.already_there,
            "skipped": dict(self.skipped),
            "unknown_types": dict(self.unknown_types),
            "per_municipality": dict(self.per_municipality),
        }

    def lines(self):
        yield f"Read: {self.read}"
        yield f"Imported: {self.imported}"
        for name, count in sorted(self.per_municipality.items()):
            yield f"  {name}: {count}"
        yield f"Already there: {self.already_there}"
        yield f"Skipped: {sum(self.skipped.values())}"
        for reason, count in sorted(self.skipped.items()):
            yield f"  {SKIP_REASONS.get(reason, reason)}: {count}"
        if self.unknown_types:
            yield f"Unknown types (imported as other): {sum(self.unknown_types.values())}"
            for name, count in self.unknown_types.most_common():
                yield f"  {name}: {count}"


def parse_published(value):
    """The API's ``datetime``: ``2025-06-07 7:32:06 +02:00`` (hour not zero-padded)."""
    match = DATETIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"unreadable datetime {value!r}")
    offset = datetime.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    if match["sign"] == "-":
        offset = -offset
    date = datetime.date.fromisoformat(match["date"])
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


def absolute_url(url):
    if not url:
        return ""
    if url.startswith("/"):
        return POLICE_SITE + url
    return url


def load_events(source, *, timeout=30):
    """The events of a file (plain or gzipped JSON) or an API address."""
    source = str(source)
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(
            source,
            headers={
                "User-Agent": "Trygghet (crime-prevention coordination)",
                "Accept": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
    else:
        path = Path(source)
        if not path.exists():
            raise PoliceDataError(f"No such file: {source}")
        data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        events = json.loads(data)
    except ValueError as exc:
        raise PoliceDataError(f"Not JSON: {exc}") from None
    if not isinstance(events, list):
        raise PoliceDataError("Expected a list of events.")
    return events


def fetch_api(url=None, *, timeout=30):
    """Fetch the live API, never more often than every 10 seconds (the police's limit),
    whichever worker asks. Returns None when the last call was too recent."""
    if not cache.add("situation_reports:police-api-call", 1, timeout=MIN_SECONDS_BETWEEN_CALLS):
        return None
    return load_events(url or API_URL, timeout=timeout)


def import_events(events, *, municipalities=None, progress=None, progress_every=10000):
    """Turn police events into incidents of the municipalities in Trygghet.

    ``municipalities`` limits the import (default: every municipality in the database).
    ``progress(done, total)`` is called every ``progress_every`` events. Safe to run again:
    events already imported (by police id) are counted, never duplicated.
    """
    summary = ImportSummary()
    if municipalities is None:
        municipalities = Municipality.objects.all()
    by_name = {m.name: m for m in municipalities}
    categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    if IncidentCategory.OTHER not in categories:
        from .categories import ensure_default_categories

        ensure_default_categories()
        categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    police_orgs = {}
    for org in Organisation.objects.filter(kind=Organisation.Kind.POLICE).prefetch_related(
        "municipalities"
    ):
        for m in org.municipalities.all():
            police_orgs.setdefault(m.pk, org)

    areas_by_municipality = {}
    for area in Area.objects.filter(municipality__in=list(by_name.values()), is_active=True):
        areas_by_municipality.setdefault(area.municipality_id, []).append(
            (re.compile(rf"(?<!\w){re.escape(area.name)}(?!\w)", re.IGNORECASE), area)
        )

    candidates = []
    seen_ids = set()
    total = len(events)
    for index, event in enumerate(events, start=1):
        summary.read += 1
        if progress and index % progress_every == 0:
            progress(index, total)
        try:
            police_id = int(event["id"])
            location = (event.get("location") or {}).get("name") or ""
            event_type = (event.get("type") or "").strip()
            name = event.get("name") or ""
        except (KeyError, TypeError, ValueError, AttributeError):
            summary.skipped[SKIP_MALFORMED] += 1
            continue
        if is_summary(event_type):
            summary.skipped[SKIP_SUMMARY] += 1
            continue
        if is_county(location):
            summary.skipped[SKIP_COUNTY] += 1
            continue
        municipality = by_name.get(location.strip())
        if municipality is None:
            summary.skipped[SKIP_OTHER_MUNICIPALITY] += 1
            continue
        if police_id in seen_ids:
            summary.already_there += 1
            continue
        try:
            published = parse_published(event.get("datetime") or "")
        except ValueError:
            summary.skipped[SKIP_MALFORMED] += 1
            continue
        seen_ids.add(police_id)
        candidates.append((police_id, event, event_type, name, municipality, published))
    if progress:
        progress(total, total)

    existing = set()
    ids = [c[0] for c in candidates]
    for start in range(0, len(ids), 10000):
        existing.update(
            Incident.objects.filter(police_id__in=ids[start : start + 10000]).values_list(
                "police_id", flat=True
            )
        )
    new = []
    for police_id, event, event_type, name, municipality, published in candidates:
        if police_id in existing:
            summary.already_there += 1
            continue
        code = TYPE_TO_CATEGORY.get(event_type)
        if code is None:
            summary.unknown_types[event_type or "(none)"] += 1
            code = IncidentCategory.OTHER
        started = event_time(name, published)
        text = (event.get("summary") or "").strip() or name
        # The police's position is the municipality's centre; an area named in the summary
        # ("Brand i förråd, Arlöv.") says more. Only one named area counts, never a guess.
        named = [
            area
            for pattern, area in areas_by_municipality.get(municipality.pk, [])
            if pattern.search(text)
        ]
        new.append(
            Incident(
                municipality=municipality,
                occurred_on=started.date(),
                started_at=started,
                category=categories[code],
                description=text,
                area=named[0] if len(named) == 1 else None,
                place="",
                severity=Incident.Severity.MEDIUM,
                confidentiality=Incident.Confidentiality.OPEN,
                status=Incident.Status.REPORTED,
                source=Incident.Source.POLICE_OPEN_DATA,
                organisation=police_orgs.get(municipality.pk),
                police_id=police_id,
                police_type=event_type[:120],
                police_url=absolute_url(event.get("url") or "")[:500],
            )
        )
        summary.per_municipality[municipality.name] += 1
    for incident in new:
        # save() would do this; bulk creation does not call it.
        from .models import part_of_day_for

        incident.part_of_day = part_of_day_for(incident.started_at.astimezone(STOCKHOLM).time())
    with transaction.atomic():
        for start in range(0, len(new), BATCH_SIZE):
            batch = new[start : start + BATCH_SIZE]
            Incident.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            record_creation_history([i.police_id for i in batch], "police open data")
    summary.imported = len(new)
    return summary


def record_creation_history(police_ids, reason):
    """The "created" history rows of just-imported incidents, copied inside the database.

    Equivalent to ``simple_history``'s ``bulk_create_with_history`` (one "+" record per
    incident, no user) but one INSERT ... SELECT per batch instead of preparing every value
    in Python: the whole police file imports in a fraction of the time.
    """
    from django.db import connection

    if not police_ids:
        return
    history = Incident.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    columns = [f.column for f in history._meta.fields if f.name not in own]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
        f"({quoted}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {quoted}, %s, %s, '+', NULL "
        f"FROM {connection.ops.quote_name(Incident._meta.db_table)} WHERE police_id IN "
        f"({', '.join(['%s'] * len(police_ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason, *police_ids])


def import_source(source, **kwargs):
    return import_events(load_events(source), **kwargs)


SHARED_EVENTS_FILE = "events-2023-03_2026-08.json.gz"


def shared_events_file():
    """The shared file of real police events: $TRYGGHET_SHARED_DATA/polisen-events/... or
    ../shared/data/polisen-events/... next to the checkout. None when it is not there."""
    import os

    base = os.environ.get("TRYGGHET_SHARED_DATA")
    root = Path(base) if base else Path(settings.BASE_DIR).parent / "shared" / "data"
    path = root / "polisen-events" / SHARED_EVENTS_FILE
    return path if path.exists() else None

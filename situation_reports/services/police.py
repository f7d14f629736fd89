"""Import of the Swedish Police's open data (``GET https://polisen.se/api/events``) into the
incidents of the municipalities in Trygghet.

Each record is checked and read by ``police_format.parse_event`` (the traps of the format are
listed there); a bad record is skipped with its reason, counted in the summary and logged, and
the others are imported. The live API wants at least 10 s between calls, whichever worker asks
(``fetch_api``). Importing again adds nothing: an event is known by the police's own id.
"""

import gzip
import json
import logging
import os
import re
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from councils.models import Area, Municipality, Organisation
from trygghet import limits

from ..models import Incident, IncidentCategory, part_of_day_for, police_link
from .categories import ensure_default_categories
from .police_format import (
    STOCKHOLM,
    TYPE_TO_CATEGORY,
    MalformedEvent,
    event_time,
    is_summary,
    municipality_of,
    parse_event,
    police_id_of,
)

logger = logging.getLogger(__name__)

API_URL = getattr(settings, "POLICE_EVENTS_URL", "https://polisen.se/api/events")
MIN_SECONDS_BETWEEN_CALLS = 10
THROTTLE_KEY = "situation_reports:police-api-call"
LOGGED_PER_IMPORT = 20  # skipped records logged one by one; the summary counts them all
BATCH_SIZE = 1000

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


class PoliceDataError(Exception):
    """The source could not be read as police events."""


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    already_there: int = 0
    dropped_links: int = 0
    skipped: Counter = field(default_factory=Counter)
    malformed: Counter = field(default_factory=Counter)
    unknown_types: Counter = field(default_factory=Counter)
    per_municipality: Counter = field(default_factory=Counter)

    def as_dict(self):
        return {
            "read": self.read,
            "imported": self.imported,
            "already_there": self.already_there,
            "dropped_links": self.dropped_links,
            "skipped": dict(self.skipped),
            "malformed": dict(self.malformed),
            "unknown_types": dict(self.unknown_types),
            "per_municipality": dict(self.per_municipality),
        }

    def skip_malformed(self, event, reason):
        self.skipped[SKIP_MALFORMED] += 1
        self.malformed[reason] += 1
        if sum(self.malformed.values()) <= LOGGED_PER_IMPORT:
            logger.warning(
                "Police open data: skipped a malformed record (%s): %s", reason, _id_of(event)
            )

    def lines(self):
        yield f"Read: {self.read}"
        yield f"Imported: {self.imported}"
        for name, count in sorted(self.per_municipality.items()):
            yield f"  {name}: {count}"
        yield f"Already there: {self.already_there}"
        yield f"Skipped: {sum(self.skipped.values())}"
        for reason, count in sorted(self.skipped.items()):
            yield f"  {SKIP_REASONS.get(reason, reason)}: {count}"
        for reason, count in sorted(self.malformed.items()):
            yield f"    {reason}: {count}"
        if self.dropped_links:
            yield f"Links not to polisen.se, dropped: {self.dropped_links}"
        if self.unknown_types:
            yield f"Unknown types (imported as other): {sum(self.unknown_types.values())}"
            for name, count in self.unknown_types.most_common():
                yield f"  {name}: {count}"


def _id_of(event):
    """How a skipped record is named in the log: its id, shortened."""
    raw = event.get("id") if isinstance(event, dict) else None
    return f"id {raw!r}"[:60] if raw is not None else f"{type(event).__name__} without id"


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
    except RecursionError:
        raise PoliceDataError("Not police events: nested too deeply.") from None
    if not isinstance(events, list):
        raise PoliceDataError("Expected a list of events.")
    return events


def fetch_api(url=None, *, timeout=30):
    """Fetch the live API, never more often than every 10 seconds (the police's limit),
    whichever worker asks. Returns None when the last call was too recent
    (``wait_before_next_call`` says for how long)."""
    if not cache.add(THROTTLE_KEY, time.time(), timeout=MIN_SECONDS_BETWEEN_CALLS):
        return None
    return load_events(url or API_URL, timeout=timeout)


def wait_before_next_call():
    """Seconds until the API may be called again (0 when it may be called now)."""
    last = cache.get(THROTTLE_KEY)
    if last is None:
        return 0.0
    try:
        elapsed = time.time() - float(last)
    except (TypeError, ValueError):
        return float(MIN_SECONDS_BETWEEN_CALLS)
    return max(0.0, MIN_SECONDS_BETWEEN_CALLS - elapsed)


def import_events(events, *, municipalities=None, progress=None, progress_every=10000):
    """Turn police events into incidents of the municipalities in Trygghet.

    ``municipalities`` limits the import (default: every municipality in the database).
    ``progress(done, total)`` is called every ``progress_every`` events. Safe to run again:
    events already imported (by police id) are counted, never duplicated.
    """
    summary = ImportSummary()
    if municipalities is None:
        municipalities = Municipality.objects.all()
    municipalities = list(municipalities)
    # Casefolded and with their county, as ``municipality_of`` reads them: it checks the
    # county of the police's county records (since 20 January 2026) and the police spell
    # some names in another case ("Upplands väsby").
    by_name = {m.name.casefold(): (m, m.county) for m in municipalities}
    categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    if IncidentCategory.OTHER not in categories:
        ensure_default_categories()
        categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    police_orgs = {}
    for org in Organisation.objects.filter(kind=Organisation.Kind.POLICE).prefetch_related(
        "municipalities"
    ):
        for m in org.municipalities.all():
            police_orgs.setdefault(m.pk, org)

    areas_by_municipality = {}
    for area in Area.objects.filter(municipality__in=municipalities, is_active=True):
        areas_by_municipality.setdefault(area.municipality_id, []).append(
            (re.compile(rf"(?<!\w){re.escape(area.name)}(?!\w)", re.IGNORECASE), area)
        )

    # The events of these municipalities imported before, found by their raw ids in one query:
    # a second run of the same file counts them without reading them again.
    existing = _already_imported(
        [i for i in (police_id_of(raw) for raw in events) if i is not None],
        [m.pk for m in municipalities],
    )
    candidates = []
    seen_ids = set()
    total = len(events)
    for index, raw in enumerate(events, start=1):
        summary.read += 1
        if progress and index % progress_every == 0:
            progress(index, total)
        if police_id_of(raw) in existing:
            summary.already_there += 1
            continue
        try:
            event = parse_event(raw)
        except MalformedEvent as error:
            summary.skip_malformed(raw, error.reason)
            continue
        if is_summary(event.event_type):
            summary.skipped[SKIP_SUMMARY] += 1
            continue
        municipality, county_record = municipality_of(event, by_name)
        if municipality is None:
            # A county record naming none of our municipalities: a county notice, or (since
            # 20 January 2026) an event of a municipality Trygghet does not hold.
            reason = SKIP_COUNTY if county_record else SKIP_OTHER_MUNICIPALITY
            summary.skipped[reason] += 1
            continue
        if event.police_id in seen_ids:
            summary.already_there += 1
            continue
        started = event_time(event.name, event.published)
        if not limits.in_range(started):  # "31 december" published on 1 January 2000
            summary.skip_malformed(raw, "datetime out of range")
            continue
        seen_ids.add(event.police_id)
        candidates.append((event, municipality, started))
    if progress:
        progress(total, total)
    if sum(summary.malformed.values()) > LOGGED_PER_IMPORT:
        logger.warning(
            "Police open data: %s malformed records skipped in all: %s",
            sum(summary.malformed.values()),
            dict(summary.malformed),
        )

    # Imported since the first look (another run at the same moment), or of a municipality
    # outside this run's list: the unique police id would refuse them anyway.
    existing = _already_imported([event.police_id for event, _m, _s in candidates])
    new = []
    for event, municipality, started in candidates:
        if event.police_id in existing:
            summary.already_there += 1
            continue
        code = TYPE_TO_CATEGORY.get(event.event_type)
        if code is None:
            summary.unknown_types[event.event_type or "(none)"] += 1
            code = IncidentCategory.OTHER
        text = event.summary or event.name
        link = police_link(event.url)
        if event.url and not link:
            summary.dropped_links += 1
            logger.info("Police open data: dropped the link of %s", event.police_id)
        # The police's position is the municipality's centre; an area named in the summary
        # ("Brand i förråd, Arlöv.") says more. Only one named area counts, never a guess.
        named = [
            area
            for pattern, area in areas_by_municipality.get(municipality.pk, [])
            if pattern.search(text)
        ]
        new.append(
            {
                "municipality_id": municipality.pk,
                "occurred_on": started.date(),
                "started_at": started,
                # save() would set it; a bulk insert does not call it.
                "part_of_day": part_of_day_for(started.astimezone(STOCKHOLM).time()),
                "category_id": categories[code].pk,
                "description": text,
                "area_id": named[0].pk if len(named) == 1 else None,
                "organisation_id": police_orgs[municipality.pk].pk
                if municipality.pk in police_orgs
                else None,
                "police_id": event.police_id,
                "police_type": event.event_type,
                "police_url": link,
                "_municipality": municipality.name,
            }
        )
    with transaction.atomic():
        for start in range(0, len(new), BATCH_SIZE):
            saved = _save_batch(new[start : start + BATCH_SIZE], summary)
            for row in saved:
                summary.per_municipality[row["_municipality"]] += 1
            summary.imported += len(saved)
    return summary


def _save_batch(batch, summary):
    """Save a batch in one statement or, when the database refuses it, record by record: one
    record the checks let through but the database refuses never fails the others."""
    try:
        with transaction.atomic():
            _insert(batch)
        return batch
    except DatabaseError:
        logger.warning("Police open data: a batch was refused; saving it record by record")
    saved = []
    for row in batch:
        try:
            with transaction.atomic():
                _insert([row])
        except DatabaseError as error:
            summary.skip_malformed({"id": row["police_id"]}, "refused by the database")
            logger.warning("Police open data: %s refused: %s", row["police_id"], error)
        else:
            saved.append(row)
    return saved


# What every imported incident has besides what the event says (the columns of ``_insert``).
IMPORTED = {
    "ended_at": None,
    "place": "",
    "latitude": None,
    "longitude": None,
    "severity": Incident.Severity.MEDIUM,
    "confidentiality": Incident.Confidentiality.OPEN,
    "status": Incident.Status.REPORTED,
    "source": Incident.Source.POLICE_OPEN_DATA,
    "created_by_id": None,
    "withdrawn_reason": "",
    "withdrawn_at": None,
    "withdrawn_by_id": None,
    "import_key": "",
    "client_key": None,
    "anonymised_at": None,
}


def _insert(rows):
    """Insert incidents given as {attname: value} (their history too): by PostgreSQL's COPY,
    which takes the whole file's rows in a fraction of a bulk INSERT's time, and through the
    ORM elsewhere (SQLite). Constraints and triggers hold either way."""
    now = timezone.now()
    fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
    values = [{**IMPORTED, "created_at": now, "updated_at": now, **row} for row in rows]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Incident._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        # Django's own errors (IntegrityError, DataError, …) from psycopg's, as for a query.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(copy_sql) as copy,
        ):
            for value in values:
                copy.write_row([value[f.attname] for f in fields])
    else:
        Incident.objects.bulk_create(
            [Incident(**{f.attname: value[f.attname] for f in fields}) for value in values],
            batch_size=BATCH_SIZE,
        )
    record_creation_history([row["police_id"] for row in rows], "police open data")


def record_creation_history(police_ids, reason):
    """The "created" history rows of just-imported incidents, copied inside the database.

    Equivalent to ``simple_history``'s ``bulk_create_with_history`` (one "+" record per
    incident, no user) but one INSERT ... SELECT per batch instead of preparing every value
    in Python: the whole police file imports in a fraction of the time.
    """
    if not police_ids:
        return
    history = Incident.history.model
    among, among_params = _among("police_id", police_ids)
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    columns = [f.column for f in history._meta.fields if f.name not in own]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
        f"({quoted}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {quoted}, %s, %s, '+', NULL "
        f"FROM {connection.ops.quote_name(Incident._meta.db_table)} WHERE {among}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason, *among_params])


def _among(column, ids):
    """``column`` among ``ids`` as (SQL, parameters): one array parameter on PostgreSQL (the
    whole police file's ids in one statement, nothing to expand), a placeholder per id
    elsewhere."""
    name = connection.ops.quote_name(column)
    ids = list(ids)
    if connection.vendor == "postgresql":
        return f"{name} = ANY(%s)", [ids]
    return f"{name} IN ({', '.join(['%s'] * len(ids))})", ids


def _already_imported(ids, municipality_ids=None):
    """The police ids among ``ids`` that are incidents already (of ``municipality_ids`` when
    given), in one query on PostgreSQL."""
    if not ids:
        return set()
    incidents = Incident.objects.all()
    if municipality_ids is not None:
        incidents = incidents.filter(municipality_id__in=municipality_ids)
    if connection.vendor != "postgresql":
        existing = set()
        for start in range(0, len(ids), 500):
            existing.update(
                incidents.filter(police_id__in=ids[start : start + 500]).values_list(
                    "police_id", flat=True
                )
            )
        return existing
    table = connection.ops.quote_name(Incident._meta.db_table)
    among, params = _among("police_id", ids)
    if municipality_ids is not None:
        clause, more = _among("municipality_id", municipality_ids)
        among, params = f"{among} AND {clause}", params + more
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT police_id FROM {table} WHERE {among}", params)
        return {row[0] for row in cursor.fetchall()}


def import_source(source, **kwargs):
    return import_events(load_events(source), **kwargs)


SHARED_EVENTS_FILE = "events-2023-03_2026-08.json.gz"


def shared_data_dir():
    """The shared reference data: $TRYGGHET_SHARED_DATA, or ../shared/data next to the
    checkout (the demo's and the tests' source; nothing reads it at run time otherwise)."""
    base = os.environ.get("TRYGGHET_SHARED_DATA")
    return Path(base) if base else Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_events_file():
    """The shared file of real police events (``shared_data_dir()/polisen-events/...``).
    None when it is not there."""
    path = shared_data_dir() / "polisen-events" / SHARED_EVENTS_FILE
    return path if path.exists() else None

"""Comparisons with other municipalities (issue 13): the reference list of Sweden's
municipalities and their population, the police's open-data events counted per municipality,
event type and year, and per event type and year the rate per 1,000 inhabitants of a
municipality against its county's and the country's.

Honest about the data: police events are the police's press notices (what they chose to
publish), not statistics of reported crime; the population is the reference list's figure
(approximate, one year). County and country rates are the sum of the municipalities' events over
the sum of their population: county-level notices (``Skåne län``) name no municipality and are
left out everywhere, so the three rates count the same kind of notice.
"""

import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from councils.models import Municipality
from councils.models.municipalities import RESERVED_SLUGS

from ..models import PoliceEventCount, PoliceEventSource, ReferenceMunicipality, ReferencePopulation
from .police import PoliceDataError, load_events
from .police_format import MalformedEvent, event_time, is_summary, municipality_of, parse_event

MUNICIPALITIES_FILE = "swedish_municipalities.csv"
POPULATION_FILE = "population.csv"
MUNICIPALITY_COLUMNS = ("municipality_code", "municipality_name", "county_code", "county_name")
POPULATION_COLUMNS = ("kommun_kod", "kommun_namn", "population")
MAX_ROWS = 1000  # Sweden has 290 municipalities
MAX_POPULATION = 20_000_000
# The reference list states no year; its figures (Burlöv 20,042) suggest about 2023.
DEFAULT_POPULATION_YEAR = 2023

# A rate this many times the country's (or below its inverse) is flagged, when the counts are
# not too small to say anything: at least MIN_EVENTS events, observed or expected.
DEVIATION = 1.5
MIN_EVENTS = 3

HIGHER, LOWER, SIMILAR = "higher", "lower", "similar"


class ReferenceDataError(Exception):
    """The reference files could not be read; the message says where and why."""


# --- The reference list ------------------------------------------------------------------------


def _read_csv(path, columns):
    if not path.is_file():
        raise ReferenceDataError(f"No such file: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        raise ReferenceDataError(f"{path.name}: not a UTF-8 text file ({exc}).") from None
    if "\x00" in text:
        raise ReferenceDataError(f"{path.name}: not a text file (NUL characters).")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError(f"{path.name}: missing columns {', '.join(missing)}.")
    rows = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ReferenceDataError(f"{path.name}: more than {MAX_ROWS} rows.")
        rows.append((number, {c: (row.get(c) or "").strip() for c in columns}))
    if not rows:
        raise ReferenceDataError(f"{path.name}: no rows.")
    return rows


def read_reference(directory):
    """The two files of the reference list, checked: {code: (name, county code, county name,
    population)}. Raises ReferenceDataError naming the file and line of the first problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ReferenceDataError(f"No such directory: {directory}")
    municipalities = {}
    names = set()
    file = MUNICIPALITIES_FILE
    for line, row in _read_csv(directory / file, MUNICIPALITY_COLUMNS):
        code, name = row["municipality_code"], row["municipality_name"]
        county_code, county = row["county_code"], row["county_name"]
        if not re.fullmatch(r"\d{4}", code):
            raise ReferenceDataError(f"{file}, line {line}: {code!r} is not a four-digit code.")
        if not re.fullmatch(r"\d{2}", county_code) or not code.startswith(county_code):
            raise ReferenceDataError(
                f"{file}, line {line}: county code {county_code!r} is not the code's prefix."
            )
        if not name or len(name) > 100 or not county or len(county) > 100:
            raise ReferenceDataError(f"{file}, line {line}: a name is empty or too long.")
        if code in municipalities or name in names:
            raise ReferenceDataError(f"{file}, line {line}: {code} {name} is there twice.")
        municipalities[code] = [name, county_code, county, None]
        names.add(name)
    file = POPULATION_FILE
    for line, row in _read_csv(directory / file, POPULATION_COLUMNS):
        code, value = row["kommun_kod"], row["population"]
        if code not in municipalities:
            raise ReferenceDataError(f"{file}, line {line}: unknown municipality code {code!r}.")
        if row["kommun_namn"] != municipalities[code][0]:
            raise ReferenceDataError(
                f"{file}, line {line}: {row['kommun_namn']!r} is not the name of {code}."
            )
        if not re.fullmatch(r"\d{1,8}", value) or not 0 < int(value) <= MAX_POPULATION:
            raise ReferenceDataError(f"{file}, line {line}: {value!r} is not a population.")
        if municipalities[code][3] is not None:
            raise ReferenceDataError(f"{file}, line {line}: {code} is there twice.")
        municipalities[code][3] = int(value)
    without = [code for code, row in municipalities.items() if row[3] is None]
    if without:
        raise ReferenceDataError(f"{file}: no population for {', '.join(without[:5])}.")
    return {code: tuple(row) for code, row in municipalities.items()}


@transaction.atomic
def load_reference(directory, year):
    """Loads (or updates) the reference list and the population of ``year``; the
    municipalities in Trygghet with one of its codes get their county and population. Running
    it twice changes nothing. Returns how many municipalities were read."""
    return store_reference(read_reference(directory), year)


def store_reference(reference, year):
    """``load_reference`` for a list already read (``read_reference``)."""
    existing = {m.code: m for m in ReferenceMunicipality.objects.all()}
    for code, (name, county_code, county, population) in reference.items():
        row = existing.get(code)
        if row is None:
            # A renamed municipality keeps its code: free the name first if another has it.
            row = ReferenceMunicipality(code=code)
        row.name, row.county_code, row.county_name = name, county_code, county
        ReferenceMunicipality.objects.filter(name=name).exclude(code=code).update(name=f"#{code}")
        row.save()
        ReferencePopulation.objects.update_or_create(
            municipality=row, year=year, defaults={"population": population}
        )
    for municipality in Municipality.objects.filter(code__in=reference):
        _name, _county_code, county, population = reference[municipality.code]
        Municipality.objects.filter(pk=municipality.pk).update(county=county, population=population)
    return len(reference)


def onboard_all(directory, year):
    """Every municipality of the reference list in Trygghet: the list and its population of
    ``year`` loaded (``load_reference``), and a ``Municipality`` made for each code that has
    none, named as the list names it, its address from its name (``upplands-vasby``; the code
    added when that is taken or reserved). An existing municipality keeps its address. Safe to
    run again. Returns (read, created)."""
    reference = read_reference(directory)
    with transaction.atomic():
        read = store_reference(reference, year)
        have = set(Municipality.objects.values_list("code", flat=True))
        taken = set(Municipality.objects.values_list("slug", flat=True))
        made = []
        for code, (name, _county_code, county, population) in sorted(reference.items()):
            if code in have:
                continue
            slug = slugify(name)[:50] or code
            if slug in taken or slug in RESERVED_SLUGS:
                slug = f"{slug}-{code}"
            taken.add(slug)
            made.append(
                Municipality(name=name, slug=slug, code=code, county=county, population=population)
            )
        Municipality.objects.bulk_create(made)
    return read, len(made)


# --- The police's events, counted ---------------------------------------------------------------


@dataclass
class AggregationSummary:
    read: int = 0
    counted: int = 0
    rows: int = 0
    by_name: int = 0  # county records counted by the municipality named last in their name
    skipped: Counter = field(default_factory=Counter)
    unknown_places: Counter = field(default_factory=Counter)
    first: datetime.date | None = None
    last: datetime.date | None = None

    def lines(self):
        yield f"Read {self.read} records, counted {self.counted} in {self.rows} rows"
        if self.by_name:
            yield f"Of those, county records counted by the place in their name: {self.by_name}"
        if self.first:
            yield f"Events from {self.first} to {self.last}"
        for reason, number in sorted(self.skipped.items()):
            yield f"Skipped ({reason}): {number}"
        if self.unknown_places:
            places = ", ".join(f"{p} ({n})" for p, n in self.unknown_places.most_common(5))
            yield f"Places not in the reference list: {places}"


def aggregate_events(events):
    """The counts of a list of API records: ({(code, type, year): count}, summary)."""
    codes = {
        name.casefold(): (code, county)
        for code, name, county in ReferenceMunicipality.objects.values_list(
            "code", "name", "county_name"
        )
    }
    if not codes:
        raise PoliceDataError(
            "The reference list of municipalities is empty: run load_municipality_reference first."
        )
    summary = AggregationSummary()
    counts = Counter()
    for record in events:
        summary.read += 1
        try:
            event = parse_event(record)
        except MalformedEvent:
            summary.skipped["malformed record"] += 1
            continue
        if is_summary(event.event_type):
            summary.skipped["summary of several events"] += 1
            continue
        # Both shapes of record, the one before 20 January 2026 and the county one since.
        code, by_name = municipality_of(event, codes)
        if by_name:
            if code is None:
                summary.skipped["county-level record"] += 1
                continue
            summary.by_name += 1
        if code is None:
            summary.skipped["place not a municipality"] += 1
            summary.unknown_places[event.location[:60]] += 1
            continue
        day = event_time(event.name, event.published).date()
        counts[(code, event.event_type or "Övrigt", day.year)] += 1
        summary.counted += 1
        summary.first = min(summary.first or day, day)
        summary.last = max(summary.last or day, day)
    summary.rows = len(counts)
    return counts, summary


def aggregate_police_events(source):
    """Counts the events of a police open-data file (plain or gzipped JSON) per municipality,
    event type and year, and replaces the stored counts with them (running it twice gives the
    same table). Raises PoliceDataError when the file is not police events; nothing is changed
    then."""
    events = load_events(source)
    counts, summary = aggregate_events(events)
    if summary.read and not summary.counted:
        raise PoliceDataError("No record of the file names a municipality of the reference list.")
    ids = dict(ReferenceMunicipality.objects.values_list("code", "pk"))
    with transaction.atomic():
        PoliceEventCount.objects.all().delete()
        PoliceEventCount.objects.bulk_create(
            PoliceEventCount(
                municipality_id=ids[code], event_type=event_type[:100], year=year, count=number
            )
            for (code, event_type, year), number in counts.items()
        )
        PoliceEventSource.objects.all().delete()
        PoliceEventSource.objects.create(
            file_name=Path(str(source)).name[:255],
            first_event=summary.first,
            last_event=summary.last,
            events_counted=summary.counted,
        )
    return summary


# --- Rates per 1,000 inhabitants ----------------------------------------------------------------


def rate(count, population):
    return 1000 * count / population if population else None


@dataclass
class Row:
    event_type: str  # "" for all types together
    count: int
    rate: float | None
    county_count: int
    county_rate: float | None
    country_count: int
    country_rate: float | None
    flag: str

    @property
    def ratio(self):
        if self.rate is None or not self.country_rate:
            return None
        return self.rate / self.country_rate


@dataclass
class Comparison:
    reference: ReferenceMunicipality | None
    year: int | None
    years: list
    event_types: list
    event_type: str
    population: int | None = None
    population_year: int | None = None
    county_population: int = 0
    country_population: int = 0
    rows: list = field(default_factory=list)
    source: PoliceEventSource | None = None


def flag_for(count, population, country_rate):
    if not population or not country_rate:
        return SIMILAR
    expected = country_rate * population / 1000
    if max(count, expected) < MIN_EVENTS:
        return SIMILAR
    observed = rate(count, population)
    if observed >= DEVIATION * country_rate:
        return HIGHER
    if observed <= country_rate / DEVIATION:
        return LOWER
    return SIMILAR


def populations(year):
    """{reference municipality id: (population, its year)}: the figure of ``year``, else the
    nearest year's (the reference list has one year)."""
    best = {}
    for municipality_id, figure_year, population in ReferencePopulation.objects.values_list(
        "municipality_id", "year", "population"
    ):
        distance = (abs(figure_year - year), -figure_year)
        if municipality_id not in best or distance < best[municipality_id][0]:
            best[municipality_id] = (distance, population, figure_year)
    return {pk: (population, figure_year) for pk, (_d, population, figure_year) in best.items()}


def compare(code, year=None, event_type=""):
    """Per event type (or only ``event_type``) in ``year``, the municipality's count and rate
    per 1,000 inhabitants against its county's and the country's, with a flag where it
    deviates. The first row is all types together. ``year`` defaults to the latest full year."""
    reference = ReferenceMunicipality.objects.filter(code=code).first()
    years = sorted(
        PoliceEventCount.objects.order_by("year").values_list("year", flat=True).distinct(),
        reverse=True,
    )
    source = PoliceEventSource.objects.first()
    if year not in years:
        year = default_year(years, source)
    result = Comparison(
        reference=reference, year=year, years=years, event_types=[], event_type="", source=source
    )
    if reference is None or year is None:
        return result
    pops = populations(year)
    counties = dict(ReferenceMunicipality.objects.values_list("pk", "county_code"))
    county_code = reference.county_code
    population, result.population_year = pops.get(reference.pk, (None, None))
    result.population = population
    result.country_population = sum(p for p, _y in pops.values())
    result.county_population = sum(
        p for pk, (p, _y) in pops.items() if counties.get(pk) == county_code
    )
    own, county, country = Counter(), Counter(), Counter()
    for municipality_id, kind, number in PoliceEventCount.objects.filter(year=year).values_list(
        "municipality_id", "event_type", "count"
    ):
        if municipality_id not in pops:
            continue  # no population: left out of the rates of county and country alike
        country[kind] += number
        if counties.get(municipality_id) == county_code:
            county[kind] += number
        if municipality_id == reference.pk:
            own[kind] += number
    result.event_types = sorted(country, key=lambda kind: (-country[kind], kind))
    result.event_type = event_type if event_type in country else ""
    kinds = [result.event_type] if result.event_type else result.event_types
    if not result.event_type:
        result.rows.append(
            _row("", sum(own.values()), sum(county.values()), sum(country.values()), result)
        )
    result.rows.extend(_row(k, own[k], county[k], country[k], result) for k in kinds)
    return result


def _row(kind, own, county, country, result):
    country_rate = rate(country, result.country_population)
    return Row(
        event_type=kind,
        count=own,
        rate=rate(own, result.population),
        county_count=county,
        county_rate=rate(county, result.county_population),
        country_count=country,
        country_rate=country_rate,
        flag=flag_for(own, result.population, country_rate),
    )


def default_year(years, source):
    """The latest year the file covers in full, else the latest year."""
    if not years:
        return None
    if source and source.last_event and source.first_event:
        full = [
            y
            for y in years
            if source.first_event <= datetime.date(y, 1, 1)
            and source.last_event >= datetime.date(y, 12, 31)
        ]
        if full:
            return max(full)
    return max(years)


def is_partial_year(year, source):
    if not source or not source.first_event or year is None:
        return False
    return source.first_event > datetime.date(year, 1, 1) or source.last_event < datetime.date(
        year, 12, 31
    )


def by_municipality(year):
    """{code: {event type: count}} of a year: for tests and scripts."""
    table = defaultdict(Counter)
    for code, kind, number in PoliceEventCount.objects.filter(year=year).values_list(
        "municipality__code", "event_type", "count"
    ):
        table[code][kind] += number
    return table

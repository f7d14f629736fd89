"""Import of a coordinator's existing spreadsheet (CSV).

Two steps: ``preview`` checks every row with the same rules as the form and says what is
wrong with each; ``import_rows`` then checks the file again and saves the valid rows in one
transaction. Each row gets a fingerprint (``import_key``): importing the same file again adds
nothing.

Whatever the file holds, the preview answers with a message per row (issue #10): cells too long
for their column, control characters (a NUL cannot be stored at all), dates outside the range
of ``trygghet.limits`` and bytes that are not text are each refused with the row's number.
"""

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from councils.models import Area
from councils.services.geography import Locator, assign_area
from trygghet import limits
from trygghet.limits import in_sweden

from ..models import Incident, IncidentCategory, part_of_day_for
from ..validators import find_personal_identity_numbers

MAX_ROWS = 20000
MAX_FILE_SIZE = 5 * 1024 * 1024

# csv's own limit on a cell (131,072 characters) raises in the middle of the file; no cell can
# be longer than the file, and the limits below give each row its own message instead.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_SIZE + 1))

# The longest value each column takes (the model's limits); other columns hold short words.
CELL_LIMITS = {
    "place": Incident._meta.get_field("place").max_length,
    "description": limits.MAX_TEXT_LENGTH,
}
SHORT_CELL = 200
SHOWN = 60  # characters of a wrong value repeated in its message

# Accepted headings (lower-cased) for each column: Swedish first, then English.
HEADINGS = {
    "date": ["datum", "date"],
    "time": ["tid", "klockslag", "time", "start"],
    "category": ["kategori", "category", "typ"],
    "area": ["område", "omrade", "stadsdel", "area"],
    "place": ["plats", "place", "adress"],
    "description": ["beskrivning", "description", "händelse", "text"],
    "severity": ["allvarlighetsgrad", "allvar", "severity"],
    "confidentiality": ["sekretess", "konfidentialitet", "confidentiality"],
    "latitude": ["latitud", "lat", "latitude"],
    "longitude": ["longitud", "lng", "lon", "longitude"],
}
REQUIRED = ["date", "category", "description"]

SEVERITY_WORDS = {
    "1": 1, "låg": 1, "low": 1,
    "2": 2, "medel": 2, "medium": 2, "": 2,
    "3": 3, "hög": 3, "high": 3,
}  # fmt: skip
CONFIDENTIALITY_WORDS = {
    "": Incident.Confidentiality.OPEN,
    "öppen": Incident.Confidentiality.OPEN,
    "open": Incident.Confidentiality.OPEN,
    "begränsad": Incident.Confidentiality.RESTRICTED,
    "restricted": Incident.Confidentiality.RESTRICTED,
}
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


@dataclass
class Row:
    number: int
    values: dict
    errors: list = field(default_factory=list)
    incident: Incident | None = None
    duplicate: bool = False

    @property
    def is_valid(self):
        return not self.errors


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    fatal: str = ""

    @property
    def valid(self):
        return [r for r in self.rows if r.is_valid and not r.duplicate]

    @property
    def invalid(self):
        return [r for r in self.rows if not r.is_valid]

    @property
    def duplicates(self):
        return [r for r in self.rows if r.is_valid and r.duplicate]


@dataclass
class Result:
    created: int = 0
    existing: int = 0
    invalid: int = 0


# A UTF-8 multi-byte sequence: a file that has them is UTF-8, even when some bytes are broken.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def decode(data):
    """The file as text: UTF-8 (with or without BOM) or, as Excel saves it, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if UTF8_SEQUENCE.search(data):
            raise ValueError(
                _("Line %(line)s is not UTF-8 text: save the file as CSV (UTF-8) again.")
                % {"line": _line_of(data, error.start)}
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ValueError(
            _("Line %(line)s could not be read as text: save the file as CSV (UTF-8).")
            % {"line": _line_of(data, error.start)}
        ) from None


def _line_of(data, position):
    return data.count(b"\n", 0, position) + 1


def _shown(value):
    """A value repeated in a message: never a whole huge cell."""
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


def _reader(text):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        # A subclass: setting the delimiter on csv.excel itself would change every later reader
        # and writer of the process.
        class dialect(csv.excel):
            delimiter = ";" if sample.count(";") > sample.count(",") else ","

    return csv.reader(io.StringIO(text), dialect)


def _columns(header):
    lookup = {}
    for name, words in HEADINGS.items():
        for index, heading in enumerate(header):
            if heading.strip().lower() in words and name not in lookup:
                lookup[name] = index
    return lookup


def preview(text, membership):
    municipality = membership.municipality
    result = Preview()
    reader = _reader(text)
    try:
        header = next(reader)
    except StopIteration:
        result.fatal = _("The file is empty.")
        return result
    except csv.Error as error:
        result.fatal = _unreadable(1, error)
        return result
    columns = _columns(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        result.fatal = _("The file lacks the column(s): %(columns)s.") % {
            "columns": ", ".join(HEADINGS[name][0] for name in missing)
        }
        return result
    categories = {}
    for category in IncidentCategory.objects.available_to(municipality):
        categories[category.name.lower()] = category
        categories[category.code.lower()] = category
    areas = {a.name.lower(): a for a in Area.objects.filter(municipality=municipality)}
    locator = Locator(municipality)
    seen_keys = set()
    number = 1
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # the reader cannot go on: name the row it stopped at
            result.fatal = _unreadable(number, error)
            return result
        if not any(cell.strip() for cell in raw):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.fatal = _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
            return result
        values = {
            name: (raw[index].strip() if index < len(raw) else "")
            for name, index in columns.items()
        }
        row = Row(number=number, values=values)
        row.incident = _build(row, municipality, membership, categories, areas)
        if row.incident is not None:
            _place(row, locator)
        if row.is_valid:
            key = _fingerprint(municipality, values)
            row.incident.import_key = key
            row.duplicate = key in seen_keys
            seen_keys.add(key)
        result.rows.append(row)
    existing = set(
        Incident.objects.filter(municipality=municipality, import_key__in=seen_keys).values_list(
            "import_key", flat=True
        )
    )
    for row in result.rows:
        if row.is_valid and row.incident.import_key in existing:
            row.duplicate = True
    return result


def _unreadable(number, error):
    return _("Row %(number)s could not be read (%(error)s): check the file.") % {
        "number": number,
        "error": error,
    }


def _place(row, locator):
    """A position outside the municipality's outline is refused; one inside an area's outline
    gives the incident that area (issue 12, point 7)."""
    incident = row.incident
    if incident.latitude is None:
        return
    error = locator.position_error(incident.latitude, incident.longitude)
    if error:
        row.errors.append(error)
        row.incident = None
    else:
        assign_area(incident, locator)


def _fingerprint(municipality, values):
    canonical = "\x1f".join(f"{k}={values.get(k, '').strip().lower()}" for k in sorted(HEADINGS))
    return hashlib.sha256(f"{municipality.pk}\x1e{canonical}".encode()).hexdigest()


def _parse(value, formats, parser):
    for fmt in formats:
        try:
            return parser(value, fmt)
        except ValueError:
            continue
    return None


def _check_cells(row):
    """Each cell fits its column and holds no control character (a NUL cannot be stored)."""
    for name, value in row.values.items():
        limit = CELL_LIMITS.get(name, SHORT_CELL)
        if len(value) > limit:
            row.errors.append(
                _("The column “%(column)s” is longer than %(max)s characters.")
                % {"column": HEADINGS[name][0], "max": limit}
            )
        elif limits.has_control_characters(value, single_line=name != "description"):
            row.errors.append(
                _("The column “%(column)s” contains control characters (such as NUL).")
                % {"column": HEADINGS[name][0]}
            )


def _build(row, municipality, membership, categories, areas):
    _check_cells(row)
    if row.errors:
        return None  # the other checks would only repeat the bad values
    v = row.values
    errors = row.errors
    date = _parse(v["date"], DATE_FORMATS, lambda s, f: datetime.datetime.strptime(s, f).date())
    if date is None:
        errors.append(
            _("The date “%(value)s” is not a date (YYYY-MM-DD).") % {"value": _shown(v["date"])}
        )
    time = None
    if v.get("time"):
        time = _parse(v["time"], TIME_FORMATS, lambda s, f: datetime.datetime.strptime(s, f).time())
        if time is None:
            errors.append(
                _("The time “%(value)s” is not a time (HH:MM).") % {"value": _shown(v["time"])}
            )
    started_at = None
    if date is not None:
        if date > timezone.localdate():
            errors.append(_("The date is in the future."))
            date = None
        elif not limits.in_range(date):
            errors.append(limits.out_of_range_message())
            date = None
    if date is not None and time is not None:
        started_at = timezone.make_aware(datetime.datetime.combine(date, time))
        if started_at > timezone.now():
            errors.append(_("The time is in the future."))
    category = categories.get(v["category"].lower())
    if category is None:
        errors.append(_("Unknown category “%(value)s”.") % {"value": _shown(v["category"])})
    area = None
    if v.get("area"):
        area = areas.get(v["area"].lower())
        if area is None:
            errors.append(
                _("“%(value)s” is not an area of %(municipality)s.")
                % {"value": _shown(v["area"]), "municipality": municipality.name}
            )
    description = v["description"]
    if not description:
        errors.append(_("The description is empty."))
    for text in (description, v.get("place", "")):
        if find_personal_identity_numbers(text):
            errors.append(
                _(
                    "The text contains a personal identity number: offence data about "
                    "identifiable people may not be kept here."
                )
            )
            break
    severity = SEVERITY_WORDS.get(v.get("severity", "").lower())
    if severity is None:
        errors.append(
            _("Unknown severity “%(value)s” (låg, medel, hög).") % {"value": _shown(v["severity"])}
        )
    confidentiality = CONFIDENTIALITY_WORDS.get(v.get("confidentiality", "").lower())
    if confidentiality is None:
        errors.append(
            _("Unknown confidentiality “%(value)s” (öppen, begränsad).")
            % {"value": _shown(v["confidentiality"])}
        )
    latitude = longitude = None
    if v.get("latitude") or v.get("longitude"):
        try:
            latitude = Decimal(v.get("latitude", "").replace(",", ".")).quantize(Decimal("0.00001"))
            longitude = Decimal(v.get("longitude", "").replace(",", ".")).quantize(
                Decimal("0.00001")
            )
        except InvalidOperation:
            errors.append(_("The position is not a pair of numbers."))
        else:
            if not (latitude.is_finite() and longitude.is_finite()):
                errors.append(_("The position is not a pair of numbers."))
            elif not in_sweden(latitude, longitude):
                errors.append(_("The position is outside Sweden."))
    if errors:
        return None
    incident = Incident(
        municipality=municipality,
        occurred_on=date,
        started_at=started_at,
        part_of_day=part_of_day_for(time) if time else "",
        category=category,
        area=area,
        place=v.get("place", ""),
        latitude=latitude,
        longitude=longitude,
        description=description,
        severity=severity,
        confidentiality=confidentiality,
        source=Incident.Source.IMPORT,
        organisation=membership.organisation,
        created_by=membership.user,
    )
    return incident


def import_rows(text, membership):
    """Save the valid rows that are not there yet, all or nothing."""
    checked = preview(text, membership)
    result = Result(invalid=len(checked.invalid), existing=len(checked.duplicates))
    if checked.fatal:
        return result
    new = [row.incident for row in checked.valid]
    with transaction.atomic():
        # Keys are checked again under the transaction; the unique constraint is the last word.
        existing = set(
            Incident.objects.filter(
                municipality=membership.municipality,
                import_key__in=[i.import_key for i in new],
            ).values_list("import_key", flat=True)
        )
        new = [i for i in new if i.import_key not in existing]
        result.existing += len(existing)
        bulk_create_with_history(new, Incident, batch_size=500, default_user=membership.user)
        result.created = len(new)
    return result

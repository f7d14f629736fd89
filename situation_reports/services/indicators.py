"""Indicator series: reading periods and numbers as people write them, the latest value of each
measure, and the import of a CSV or XLSX file with a preview (like the incident import).

The import is all or nothing: ``preview`` checks every row and says what is wrong with each;
``import_rows`` checks the file again and saves only when no row has an error, in one
transaction. Aggregates only: a cell holding a personal identity number, or a column whose
heading names personal data (name, e-mail, address...), refuses the file.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from councils.models import Area
from trygghet.spreadsheets import CONTROL_CHARACTERS

from ..models.indicators import (
    FIRST_YEAR,
    LAST_YEAR,
    PERIOD_PARTS,
    VALUE_LIMIT,
    Indicator,
    IndicatorValue,
    Period,
    Sex,
    Unit,
    period_label,
)
from ..validators import find_personal_identity_numbers
from .csv_import import _reader, _shown, decode

MAX_ROWS = 5000
MAX_FILE_SIZE = 2 * 1024 * 1024
SHORT_CELL = 200

HEADINGS = {
    "indicator": ["indikator", "mått", "matt", "indicator", "measure", "kod", "code"],
    "unit": ["enhet", "unit"],
    "area": ["område", "omrade", "area"],
    "period": ["period"],
    "value": ["värde", "varde", "value"],
    "sex": ["kön", "kon", "sex"],
    "age_group": ["ålder", "åldersgrupp", "alder", "age", "age group", "age_group"],
}
REQUIRED = ["indicator", "period", "value"]
# Headings that mean row-level personal data: the file is refused whole.
PERSONAL_HEADINGS = {
    "personnummer", "personnr", "namn", "förnamn", "efternamn", "name", "first name",
    "last name", "e-post", "epost", "email", "e-mail", "adress", "address", "telefon",
    "phone", "födelsedatum", "date of birth", "samordningsnummer",
}  # fmt: skip

SEX_WORDS = {
    "": Sex.ALL, "alla": Sex.ALL, "totalt": Sex.ALL, "all": Sex.ALL, "total": Sex.ALL,
    "kvinnor": Sex.WOMEN, "flickor": Sex.WOMEN, "k": Sex.WOMEN, "women": Sex.WOMEN,
    "girls": Sex.WOMEN, "f": Sex.WOMEN,
    "män": Sex.MEN, "pojkar": Sex.MEN, "m": Sex.MEN, "men": Sex.MEN, "boys": Sex.MEN,
}  # fmt: skip
UNIT_WORDS = {
    "%": Unit.PERCENT, "procent": Unit.PERCENT, "percent": Unit.PERCENT, "per cent": Unit.PERCENT,
    "antal": Unit.COUNT, "count": Unit.COUNT, "number": Unit.COUNT, "st": Unit.COUNT,
    "per 1000": Unit.PER_1000, "per 1 000 invånare": Unit.PER_1000, "per_1000": Unit.PER_1000,
    "per 1000 invånare": Unit.PER_1000, "per 1,000 inhabitants": Unit.PER_1000,
    "per 100000": Unit.PER_100000, "per 100 000 invånare": Unit.PER_100000,
    "per_100000": Unit.PER_100000, "per 100,000 inhabitants": Unit.PER_100000,
    "kr": Unit.SEK, "kronor": Unit.SEK, "sek": Unit.SEK, "index": Unit.INDEX,
}  # fmt: skip
AGE_GROUP = re.compile(r"^(\d{1,3}\s*[-–]\s*\d{1,3}|\d{1,3}\+|\d{1,3})$")

PERIOD_PATTERNS = [
    (re.compile(r"^(\d{4})$"), Period.YEAR),
    (re.compile(r"^(\d{4})[- ]?(?:q|k)([1-4])$"), Period.QUARTER),
    (re.compile(r"^(?:q|k)([1-4])[- ]?(\d{4})$"), Period.QUARTER),
    (re.compile(r"^(\d{4})[- ]?(vt|ht|t1|t2)$"), Period.TERM),
    (re.compile(r"^(vt|ht)[- ]?(\d{4})$"), Period.TERM),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Period.MONTH),
]
TERM_PARTS = {"vt": 1, "t1": 1, "ht": 2, "t2": 2}


def parse_period(text):
    """(period, year, part) from 2025, 2025-Q1 / 2025 K1, 2025-VT / HT2025, 2025-03; else
    ValueError with a message."""
    cleaned = (text or "").strip().lower()
    for pattern, period in PERIOD_PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        groups = match.groups()
        if period == Period.YEAR:
            year, part = int(groups[0]), 0
        elif period == Period.TERM:
            word, digits = (groups[1], groups[0]) if groups[0].isdigit() else groups
            year, part = int(digits), TERM_PARTS[word]
        elif period == Period.QUARTER and len(groups[0]) == 1:
            year, part = int(groups[1]), int(groups[0])
        else:
            year, part = int(groups[0]), int(groups[1])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(
                _("The year %(year)s is not between %(first)s and %(last)s.")
                % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if period == Period.MONTH and not 1 <= part <= PERIOD_PARTS[Period.MONTH]:
            raise ValueError(_("“%(value)s” is not a month.") % {"value": _shown(text)})
        return period, year, part
    raise ValueError(
        _("“%(value)s” is not a period: write 2025, 2025-VT, 2025-HT, 2025-Q1 or 2025-03.")
        % {"value": _shown(text or "")}
    )


def parse_value(text):
    """A number as people write it (comma or point decimals, spaces between thousands)."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        number = Decimal(str(text))
    else:
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text or "")).replace(",", ".")
        cleaned = cleaned.removesuffix("%")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if not cleaned or number is None or not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": _shown(str(text))})
    if abs(number) > VALUE_LIMIT:
        raise ValueError(_("%(value)s is too large.") % {"value": _shown(str(text))})
    return number.quantize(Decimal("0.001"))


def check_value(indicator, number):
    """A message when the value cannot be a figure of this measure, else ""."""
    if indicator.unit == Unit.PERCENT and not 0 <= number <= 100:
        return _("A share in per cent lies between 0 and 100.")
    if indicator.unit in (Unit.COUNT, Unit.PER_1000, Unit.PER_100000) and number < 0:
        return _("A count or rate cannot be negative.")
    return ""


def latest_values(municipality, indicators):
    """{indicator id: the latest whole-municipality value without breakdown, else the latest
    value at all}."""
    latest = {}
    values = IndicatorValue.objects.filter(
        municipality=municipality, indicator__in=indicators
    ).select_related("area")
    for value in values:
        best = latest.get(value.indicator_id)
        key = (value.area_id is None and not value.sex and not value.age_group, value.sort_key)
        if best is None or key > best[0]:
            latest[value.indicator_id] = (key, value)
    return {pk: value for pk, (_key, value) in latest.items()}


def series_table(indicator, municipality):
    """The values of one measure as rows (period, then each place and breakdown as a column),
    oldest first, and the columns."""
    values = list(
        IndicatorValue.objects.filter(municipality=municipality, indicator=indicator)
        .select_related("area")
        .order_by("year", "part")
    )
    columns, periods, cells = [], {}, {}
    for value in values:
        column = (
            value.area.name if value.area else "",
            value.get_sex_display() if value.sex else "",
            value.age_group,
        )
        if column not in columns:
            columns.append(column)
        periods.setdefault((value.sort_key, value.period_label), None)
        cells[(value.period_label, column)] = value
    columns.sort(key=lambda c: (c[0] != "", c))
    rows = [
        (label, [cells.get((label, column)) for column in columns])
        for (_key, label) in sorted(periods)
    ]
    return columns, rows, values


# --- The import ------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict
    errors: list = field(default_factory=list)
    parsed: dict = field(default_factory=dict)

    @property
    def is_valid(self):
        return not self.errors


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    fatal: str = ""

    @property
    def invalid(self):
        return [row for row in self.rows if not row.is_valid]

    @property
    def is_clean(self):
        return not self.fatal and bool(self.rows) and not self.invalid


def read_table(name, data):
    """The file's rows as lists of cells (text or numbers): CSV or XLSX by its name and
    content. ValueError with a message when it cannot be read."""
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    text = decode(data)
    try:
        return [row for row in _reader(text) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        message = _("The file could not be read as CSV: %(error)s") % {"error": error}
        raise ValueError(message) from None


def _read_xlsx(data):
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValueError(_("The file is not a readable Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS + 1:
                break
            cells = ["" if cell is None else cell for cell in row]
            if any(str(cell).strip() for cell in cells):
                rows.append(cells)
        return rows
    finally:
        book.close()


def _columns(header):
    lookup = {}
    for name, words in HEADINGS.items():
        for index, heading in enumerate(header):
            if str(heading).strip().lower() in words and name not in lookup:
                lookup[name] = index
    return lookup


def preview(rows, municipality):
    result = Preview()
    if not rows:
        result.fatal = _("The file is empty.")
        return result
    if len(rows) > MAX_ROWS + 1:
        result.fatal = _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
        return result
    header = [str(cell) for cell in rows[0]]
    personal = [h for h in header if h.strip().lower() in PERSONAL_HEADINGS]
    if personal:
        result.fatal = _(
            "The file has the column(s) %(columns)s: indicators take aggregates only, never "
            "data about single persons. Remove the column(s) and upload the file again."
        ) % {"columns": ", ".join(_shown(h) for h in personal)}
        return result
    columns = _columns(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        result.fatal = _("The file lacks the column(s): %(columns)s.") % {
            "columns": ", ".join(HEADINGS[name][0] for name in missing)
        }
        return result
    indicators = {}
    for indicator in Indicator.objects.available_to(municipality):
        indicators[indicator.name.lower()] = indicator
        indicators[indicator.code.lower()] = indicator
    areas = {a.name.lower(): a for a in Area.objects.filter(municipality=municipality)}
    existing = set(
        IndicatorValue.objects.filter(municipality=municipality).values_list(
            "indicator_id", "area_id", "period", "year", "part", "sex", "age_group"
        )
    )
    seen = {}
    for number, cells in enumerate(rows[1:], start=2):
        values = {
            name: cells[index] if index < len(cells) else "" for name, index in columns.items()
        }
        row = Row(number=number, values={k: _shown(str(v)) for k, v in values.items()})
        _check_row(row, values, cells, indicators, areas, municipality)
        if row.is_valid:
            p = row.parsed
            key = (p["indicator"].pk, p["area"] and p["area"].pk, p["period"], p["year"])
            key += (p["part"], p["sex"], p["age_group"])
            if key in seen:
                row.errors.append(
                    _("The same measure, place, period and breakdown as row %(row)s.")
                    % {"row": seen[key]}
                )
            elif key in existing:
                row.errors.append(
                    _("This measure already has a value for %(period)s here: change it on "
                      "the measure's page.") % {"period": period_label(*key[2:5])}
                )  # fmt: skip
            seen.setdefault(key, number)
        result.rows.append(row)
    if not result.rows:
        result.fatal = _("The file has headings but no rows.")
    return result


def _text(value):
    return "" if value is None else str(value).strip()


def _check_row(row, values, cells, indicators, areas, municipality):
    errors = row.errors
    for cell in cells:
        text = str(cell)
        if len(text) > SHORT_CELL:
            errors.append(_("A cell is longer than %(max)s characters.") % {"max": SHORT_CELL})
            return
        if CONTROL_CHARACTERS.search(text):
            errors.append(_("A cell holds control characters."))
            return
        if find_personal_identity_numbers(text):
            errors.append(
                _("A cell holds a personal identity number: indicators take aggregates only.")
            )
            return
    name = _text(values.get("indicator"))
    indicator = indicators.get(name.lower())
    if indicator is None:
        errors.append(
            _("“%(value)s” is not a measure of the catalogue: add it first, or use its code.")
            % {"value": _shown(name)}
            if name
            else _("The measure is missing.")
        )
    unit_text = _text(values.get("unit"))
    if unit_text:
        unit = UNIT_WORDS.get(unit_text.lower())
        if unit is None:
            errors.append(_("“%(value)s” is not a unit.") % {"value": _shown(unit_text)})
        elif indicator and unit != indicator.unit:
            errors.append(
                _("The unit %(unit)s does not match the measure's unit, %(expected)s.")
                % {"unit": _shown(unit_text), "expected": indicator.get_unit_display()}
            )
    area = None
    area_name = _text(values.get("area"))
    if area_name and area_name.lower() not in ("kommunen", "hela kommunen", "municipality", "all"):
        area = areas.get(area_name.lower())
        if area is None:
            errors.append(
                _("The area “%(value)s” is not one of %(municipality)s's areas.")
                % {"value": _shown(area_name), "municipality": municipality.name}
            )
    try:
        period, year, part = parse_period(_text(values.get("period")))
    except ValueError as error:
        errors.append(str(error))
        period = year = part = None
    try:
        raw = values.get("value")
        number = parse_value(raw if not isinstance(raw, str) else raw.strip())
    except ValueError as error:
        errors.append(str(error))
        number = None
    if indicator and number is not None:
        message = check_value(indicator, number)
        if message:
            errors.append(message)
    sex_text = _text(values.get("sex"))
    sex = SEX_WORDS.get(sex_text.lower())
    if sex is None:
        errors.append(
            _("“%(value)s” is not a sex: write kvinnor, män or leave it empty.")
            % {"value": _shown(sex_text)}
        )
    age_group = _text(values.get("age_group"))
    if age_group and not AGE_GROUP.match(age_group):
        errors.append(
            _("“%(value)s” is not an age group: write for example 15-19 or 65+.")
            % {"value": _shown(age_group)}
        )
    row.parsed = {
        "indicator": indicator,
        "area": area,
        "period": period,
        "year": year,
        "part": part,
        "sex": sex or "",
        "age_group": age_group.replace(" ", "").replace("–", "-"),
        "value": number,
    }


class ImportNotClean(Exception):
    """The file has rows with errors: nothing was saved."""


def import_rows(rows, municipality, user):
    """Save every row of a clean file in one transaction; raises ImportNotClean otherwise."""
    checked = preview(rows, municipality)
    if not checked.is_clean:
        raise ImportNotClean
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                municipality=municipality,
                created_by=user,
                **row.parsed,
            )
            for row in checked.rows
        )
    return len(checked.rows)

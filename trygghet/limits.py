"""What input Trygghet accepts: the sane range of dates and times, ids, and clean text.

One definition, used by every form field, import and query string (the meetings app's too), and
by the database's check constraints as the last line. Issue #10: a row dated year 1 was
stored as a BC timestamp that psycopg cannot read back, and that one row broke the incident
list, the map and the exports of the whole municipality.

**Dates and times: the years 2000 to 2100.** Everything Trygghet records happened, is planned
or was decided in a municipality that works with it, so nothing lies before 2000 (the oldest
baselines of crime statistics in use) or after 2100 (an agreement or a goal a generation
ahead). The range is the same for every date and datetime column: a wider range for one field
would buy nothing and make the rule harder to state. A time of day is in range when its local
date (Europe/Stockholm) is; the database stores it in UTC, so the constraints compare with the
same instants.

**Ids in query strings and posted values**: ASCII digits within PostgreSQL's bigint, else no id.

**Addresses to go back to** (a posted ``next``): a path on this site, else none.

**Positions**: inside Sweden's bounding box (``in_sweden``, ``latitude_field``).

**Text**: free text may hold tabs and line breaks, one-line text (names, titles) not even those;
no other control character (NUL cannot be stored at all, the others break exports, mail
headers and PDFs) and no lone surrogate (not encodable as UTF-8). Free text is at most
``MAX_TEXT_LENGTH`` characters: a page and a half of A4 is ample for an incident or a note.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# settings.TIME_ZONE, fixed here: the constraints in the migrations must not move with a setting.
LOCAL_TIME = ZoneInfo("Europe/Stockholm")

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
EARLIEST_MOMENT = datetime.datetime.combine(EARLIEST_DATE, datetime.time.min, LOCAL_TIME)
LATEST_MOMENT = datetime.datetime.combine(LATEST_DATE, datetime.time.max, LOCAL_TIME)

MAX_ID = 2**63 - 1  # PostgreSQL bigint

# Sweden's bounding box (mainland and islands, with a small margin). Positions outside it are
# refused: they are typing errors (swapped latitude/longitude) or not in a Swedish municipality.
SWEDEN_LATITUDE = (55.0, 69.1)
SWEDEN_LONGITUDE = (10.9, 24.2)
MAX_TEXT_LENGTH = 10_000

OUT_OF_RANGE_MESSAGE = _("Give a date between %(earliest)s and %(latest)s.")


def in_range(value):
    """Whether a date or an aware datetime lies in the sane range (None is not in range)."""
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date too
        if value.tzinfo is None:
            return False
        return EARLIEST_MOMENT <= value <= LATEST_MOMENT
    if isinstance(value, datetime.date):
        return EARLIEST_DATE <= value <= LATEST_DATE
    return False


def out_of_range_message():
    return OUT_OF_RANGE_MESSAGE % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
    }


def validate_in_range(value):
    """Validator of every date and datetime field (model and form). Empty values pass."""
    if value in (None, ""):
        return
    if not in_range(value):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def range_constraints(prefix, *, dates=(), moments=()):
    """Check constraints keeping date columns (``dates``) and datetime columns (``moments``)
    in the sane range: the last line behind the forms and imports. NULL passes (SQL)."""
    bounds = [(name, EARLIEST_DATE, LATEST_DATE) for name in dates]
    bounds += [(name, EARLIEST_MOMENT, LATEST_MOMENT) for name in moments]
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
            name=f"{prefix}_{name}_in_range",
            violation_error_message=lazy(out_of_range_message, str)(),
        )
        for name, low, high in bounds
    ]


def parse_id(value):
    """An id from a query string or a posted value: ASCII digits within bigint, else None.

    (``str.isdigit`` is not enough: it is true for "²", which ``int`` refuses.)
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def has_control_characters(text, *, single_line=False):
    pattern = _CONTROL_OR_BREAK if single_line else _CONTROL
    return bool(text) and pattern.search(text) is not None


def local_path(value):
    """Where a page may send the browser back to (a posted ``next``): a path on this site,
    else None. Not a bare word (``redirect`` takes it for a view name and fails), another
    host (``//evil.example``), nor text with control characters (a header break)."""
    if not isinstance(value, str) or not value.startswith("/"):
        return None
    if has_control_characters(value, single_line=True):
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return None
    return value


def validate_text(text):
    """Validator of free text: tabs and line breaks are fine, other control characters not."""
    if isinstance(text, str) and has_control_characters(text):
        raise ValidationError(
            _("The text contains control characters (such as NUL): remove them."),
            code="control_characters",
        )


def validate_single_line(text):
    """Validator of one-line text (names, titles): no line breaks nor control characters."""
    if isinstance(text, str) and has_control_characters(text, single_line=True):
        raise ValidationError(
            _("Write this on one line, without control characters (such as NUL or tab)."),
            code="control_characters",
        )


class CleanTextFormMixin:
    """Adds the text validators to every text field of a form: ``validate_text`` to those with
    a text area, ``validate_single_line`` to the others."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multi_line = isinstance(field.widget, forms.Textarea)
                # Ours names NUL too: Django's own would only repeat it.
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators.append(validate_text if multi_line else validate_single_line)


def refuse_stored_dates_out_of_range(app_label):
    """A migration step run before the range constraints of ``app_label`` are added: stops with
    a list of the rows whose dates lie outside the range (typing errors stored before the
    constraints existed, to be corrected by hand: no date can be guessed for them) instead of
    PostgreSQL's bare "check constraint is violated"."""

    def check(apps, schema_editor):
        problems = []
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.DateField):
                    continue
                if isinstance(field, models.DateTimeField):
                    low, high = EARLIEST_MOMENT, LATEST_MOMENT
                else:
                    low, high = EARLIEST_DATE, LATEST_DATE
                outside = models.Q(**{f"{field.name}__lt": low}) | models.Q(
                    **{f"{field.name}__gt": high}
                )
                ids = list(model._base_manager.filter(outside).values_list("pk", flat=True)[:20])
                if ids:
                    problems.append(f"{model._meta.db_table}.{field.column} (ids {ids})")
        if problems:
            raise RuntimeError(
                f"Dates outside {EARLIEST_DATE} .. {LATEST_DATE} are stored in "
                + "; ".join(problems)
                + ". Correct them (or delete the rows) and migrate again."
            )

    return check


def in_sweden(latitude, longitude):
    """Whether a position lies inside Sweden's bounding box."""
    return (
        SWEDEN_LATITUDE[0] <= latitude <= SWEDEN_LATITUDE[1]
        and SWEDEN_LONGITUDE[0] <= longitude <= SWEDEN_LONGITUDE[1]
    )


def latitude_field(verbose_name=None):
    """An optional latitude, five decimals (about a metre), inside Sweden."""
    return models.DecimalField(
        verbose_name or _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(SWEDEN_LATITUDE[0]), MaxValueValidator(SWEDEN_LATITUDE[1])],
    )


def longitude_field(verbose_name=None):
    """An optional longitude, five decimals, inside Sweden."""
    return models.DecimalField(
        verbose_name or _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(SWEDEN_LONGITUDE[0]),
            MaxValueValidator(SWEDEN_LONGITUDE[1]),
        ],
    )

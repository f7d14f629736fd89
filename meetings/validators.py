"""The range of dates the meetings app accepts: the years 2000 to 2100 (issue 10, finding 2).

A meeting that starts in year 0001 is stored by PostgreSQL as a BC timestamp (in UTC) that
psycopg cannot read back, and every page listing it fails. So every date a form accepts lies in
this range, and a check constraint per date column (``in_range_constraints``) refuses anything
else whatever the path (a shell, a task, raw SQL).

The moments are Swedish time, so the database's bounds and the forms' bounds are the same
instants.
"""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
_LOCAL = ZoneInfo("Europe/Stockholm")
FIRST_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=_LOCAL)
END_MOMENT = datetime.datetime(2101, 1, 1, tzinfo=_LOCAL)  # the midnight after LAST_DAY

OUT_OF_RANGE = _("Choose a date between 2000 and 2100.")


def is_in_range(value):
    """Whether a date or (naive local or aware) datetime lies in 2000–2100."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=_LOCAL)
        return FIRST_MOMENT <= value < END_MOMENT
    return FIRST_DAY <= value <= LAST_DAY


def validate_in_range(value):
    if value is not None and not is_in_range(value):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


def in_range_constraints(prefix, dates=(), moments=()):
    """One check constraint per date (``dates``) or datetime (``moments``) column. NULL passes
    (a check constraint only refuses what is false)."""
    constraints = [
        CheckConstraint(
            condition=Q(**{f"{name}__gte": FIRST_DAY, f"{name}__lte": LAST_DAY}),
            name=f"{prefix}_{name}_in_range",
            violation_error_message=OUT_OF_RANGE,
        )
        for name in dates
    ]
    constraints += [
        CheckConstraint(
            condition=Q(**{f"{name}__gte": FIRST_MOMENT, f"{name}__lt": END_MOMENT}),
            name=f"{prefix}_{name}_in_range",
            violation_error_message=OUT_OF_RANGE,
        )
        for name in moments
    ]
    return constraints

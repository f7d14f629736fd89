"""Guards on the free text of incidents.

Offence data about identifiable people may not be kept here (GDPR art. 10 and the purpose of
the lägesbild: patterns, not persons). A Swedish personal identity number (personnummer) or
coordination number (samordningsnummer) in a description is the surest sign of such data, so
free text that contains one is refused.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# YYMMDD-NNNN, YYMMDD+NNNN (aged 100 or more), YYMMDDNNNN, YYYYMMDDNNNN, YYYYMMDD-NNNN; a
# space is accepted as separator too. Not part of a longer run of digits.
PERSONAL_NUMBER_RE = re.compile(
    r"(?<![\d])(?P<century>(?:18|19|20))?(?P<date>\d{6})\s?[-+ ]?\s?(?P<serial>\d{4})(?![\d])"
)


def luhn_is_valid(digits):
    """The Luhn check over a string of digits (the last one is the check digit)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _date_is_valid(year, month, day):
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def is_personal_identity_number(date_part, serial, century=None):
    """Whether YYMMDD + NNNN is a valid personal identity or coordination number.

    Coordination numbers add 60 to the day. Without a century, any century in which the date
    exists will do (29 February).
    """
    if len(date_part) != 6 or len(serial) != 4 or not (date_part + serial).isdigit():
        return False
    yy, month, day = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:6])
    if day > 60:
        day -= 60
    centuries = [int(century)] if century else [19, 20]
    if not any(_date_is_valid(c * 100 + yy, month, day) for c in centuries):
        return False
    return luhn_is_valid(date_part + serial)


def find_personal_identity_numbers(text):
    """Every valid personal identity (or coordination) number in the text, as written."""
    if not text:
        return []
    found = []
    for match in PERSONAL_NUMBER_RE.finditer(text):
        if is_personal_identity_number(match["date"], match["serial"], match["century"]):
            found.append(match.group(0))
    return found


def validate_no_personal_identity_number(text):
    if find_personal_identity_numbers(text):
        raise ValidationError(
            _(
                "The text contains a Swedish personal identity number. Remove it: offence data "
                "about identifiable people may not be kept here (only patterns, never persons)."
            ),
            code="personal_identity_number",
        )

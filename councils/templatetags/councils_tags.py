from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value):
    """A measured value without trailing zeros, in the current locale: 7.40 -> "7,4"."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return formats.number_format(value, use_l10n=True)

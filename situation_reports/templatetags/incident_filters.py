"""The incident filter's quick periods, for the list and the map (both include the form)."""

from django import template

from ..views.listing import quick_periods as periods_of

register = template.Library()


@register.simple_tag(takes_context=True)
def quick_periods(context):
    request = context["request"]
    if getattr(request, "membership", None) is None:
        return []
    return periods_of(request)

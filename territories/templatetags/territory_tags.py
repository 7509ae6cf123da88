from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def indicator_value(value, indicator):
    """A value with its indicator's decimals and French digit grouping."""
    if value is None:
        return "—"
    return floatformat(value, f"{indicator.decimals}g")


@register.filter
def percent(share):
    return floatformat(100 * (share or 0), "0") + " %"

"""When a meeting takes place, as the agenda, the committee page and the meeting page say it."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

register = template.Library()

LONG = "l j F Y, H:i"


@register.simple_tag
def meeting_when(meeting):
    """Its start and end in the portal's time zone, machine-readable in `datetime`; the end
    without its date when the meeting ends the day it starts."""
    starts, ends = localtime(meeting.starts_at), localtime(meeting.ends_at)
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        starts.isoformat(),
        date_format(starts, LONG),
        ends.isoformat(),
        date_format(ends, "H:i" if starts.date() == ends.date() else LONG),
    )

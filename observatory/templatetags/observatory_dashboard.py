"""A dashboard cell as a table cell: its value, or « secret statistique » with no number, or
why it is not available."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from observatory.dashboard.maps import number
from territories.choices import ValueStatus

register = template.Library()


@register.simple_tag
def cell_td(found, decimals):
    if found.known:
        partial = ""
        if found.status == ValueStatus.PARTIAL:
            partial = format_html(
                ' <abbr class="muted" title="{}">*</abbr>',
                _("partial: not every establishment invited has a validated return"),
            )
        return format_html('<td class="number">{}{}</td>', number(found.value, decimals), partial)
    if found.secret:
        return format_html('<td class="cell-secret">{}</td>', _("secret statistique"))
    reason = (
        _("withheld (coverage too low)")
        if found.status == ValueStatus.WITHHELD
        else _("not available")
    )
    return format_html('<td class="cell-missing"><abbr title="{}">nd</abbr></td>', reason)

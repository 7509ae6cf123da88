"""The observatory home's part on campaigns (templates/observatory/_home_campaigns.html), for
the portal's administrators: the campaign open today and its answer rate."""

from django import template
from django.utils import timezone

from observatory.campaigns.selectors import campaign_open_summary

register = template.Library()


@register.simple_tag
def campaigns_summary(user):
    """None for anyone but an administrator (no query); else the open campaign's summary."""
    if user is None or not user.has_perm("observatory.manage_campaigns"):
        return None
    return campaign_open_summary(day=timezone.localdate())

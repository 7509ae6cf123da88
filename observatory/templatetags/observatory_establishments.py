"""The observatory home's part on establishments (templates/observatory/_home_establishments.html):
the organisations a person declares establishments for, read where the part is drawn."""

from django import template

from observatory.establishments.selectors import organisations_with_establishments

register = template.Library()


@register.simple_tag
def establishment_organisations(user):
    """The organisations `user` acts for, each with its `establishment_count` (one query)."""
    return organisations_with_establishments(user=user)

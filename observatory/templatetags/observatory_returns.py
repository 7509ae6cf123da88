"""The returns' template helpers: the observatory home's part on returns
(templates/observatory/_home_returns.html), and figures as pages show them."""

from django import template
from django.utils import timezone

from observatory.returns import selectors
from observatory.returns.fields import BY_NAME
from observatory.returns.forms import figure_text

register = template.Library()


@register.simple_tag
def open_returns(user):
    """The returns `user` answers for in the campaigns open today (one query)."""
    return selectors.open_returns_of(user=user, day=timezone.localdate())


@register.simple_tag
def returns_waiting(user):
    """How many submitted returns wait for validation, for an administrator; else None."""
    if user is None or not user.has_perm("observatory.validate_return"):
        return None
    return selectors.returns_to_validate().count()


@register.filter
def figure(value):
    """A figure as typed: « 10,5 », « 12 », or empty."""
    return figure_text(value)


@register.filter
def figure_label(name):
    """The label of the figure `name` (a field of a return line)."""
    figure = BY_NAME.get(name)
    return figure.label if figure else name
